/** What a message from our side is: the model's reply, its stand-ins, or a fixed notice. */
export type ReplyKind = 'reply' | 'fallback' | 'refusal' | 'notice';
