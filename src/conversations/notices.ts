/**
 * The fixed messages the product sends without a model, in the person's language: English, Spanish,
 * French, German, Portuguese, Italian, Russian, Arabic, Hindi, Chinese and Japanese. An unknown
 * language gets English. Pure data; the language comes from the turn's understanding step.
 */
import { primaryLanguage } from './language';

export type NoticeName = 'handoffRequested' | 'autoReleased' | 'refusal' | 'fallback';

export const NOTICE_LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'it', 'ru', 'ar', 'hi', 'zh', 'ja'] as const;

export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

export const NOTICE_TEXTS: Record<NoticeName, Record<NoticeLanguage, string>> = {
  /** The person asked for a human, and the team has been told. */
  handoffRequested: {
    en: "I've asked a person from our team to join. They'll reply here soon.",
    es: 'He pedido a una persona de nuestro equipo que se una. Te responderá aquí pronto.',
    fr: "J'ai demandé à une personne de notre équipe de nous rejoindre. Elle vous répondra ici sous peu.",
    de: 'Ich habe eine Person aus unserem Team gebeten, dazuzukommen. Sie antwortet Ihnen bald hier.',
    pt: 'Pedi a uma pessoa da nossa equipe para participar. Ela vai responder aqui em breve.',
    it: 'Ho chiesto a una persona del nostro team di unirsi. Ti risponderà qui a breve.',
    ru: 'Я попросил сотрудника нашей команды подключиться. Он скоро ответит вам здесь.',
    ar: 'طلبتُ من أحد أعضاء فريقنا الانضمام. سيرد عليك هنا قريبًا.',
    hi: 'मैंने हमारी टीम के एक व्यक्ति को जुड़ने के लिए कहा है। वे जल्द ही यहाँ जवाब देंगे।',
    zh: '我已请我们团队的一位同事加入，他们很快会在这里回复您。',
    ja: 'チームの担当者に参加を依頼しました。まもなくこちらで返信いたします。',
  },
  /** Nobody from the team answered within the bot's handoff timeout: the bot is back. */
  autoReleased: {
    en: "Thanks for waiting. Nobody from our team is free right now, so I'm back to help. What can I do for you?",
    es: 'Gracias por esperar. Ahora mismo no hay nadie de nuestro equipo disponible, así que vuelvo a ayudarte yo. ¿Qué puedo hacer por ti?',
    fr: "Merci de votre patience. Personne de notre équipe n'est disponible pour le moment, je reprends donc la conversation. Que puis-je faire pour vous ?",
    de: 'Danke fürs Warten. Gerade ist niemand aus unserem Team frei, deshalb helfe ich wieder weiter. Was kann ich für Sie tun?',
    pt: 'Obrigado por esperar. No momento ninguém da nossa equipe está disponível, então voltei para ajudar. Como posso ajudar?',
    it: "Grazie per l'attesa. Al momento nessuno del nostro team è disponibile, quindi torno ad aiutarti io. Cosa posso fare per te?",
    ru: 'Спасибо за ожидание. Сейчас никто из нашей команды не свободен, поэтому я снова с вами. Чем могу помочь?',
    ar: 'شكرًا على انتظارك. لا يوجد أحد من فريقنا متاح الآن، لذا عدتُ لمساعدتك. كيف يمكنني مساعدتك؟',
    hi: 'इंतज़ार के लिए धन्यवाद। अभी हमारी टीम में कोई उपलब्ध नहीं है, इसलिए मैं फिर से मदद के लिए हाज़िर हूँ। मैं आपके लिए क्या कर सकता हूँ?',
    zh: '感谢您的耐心等待。我们团队目前没有人有空，所以由我继续为您服务。有什么可以帮您？',
    ja: 'お待たせしました。ただいまチームの担当者が対応できないため、引き続き私がお手伝いします。ご用件をお聞かせください。',
  },
  /** Moderation blocked the message, or the reply. */
  refusal: {
    en: "Sorry, I can't help with that message. If you think this is a mistake, please rephrase it.",
    es: 'Lo siento, no puedo ayudar con ese mensaje. Si crees que es un error, por favor reformúlalo.',
    fr: "Désolé, je ne peux pas donner suite à ce message. Si vous pensez qu'il s'agit d'une erreur, merci de le reformuler.",
    de: 'Entschuldigung, bei dieser Nachricht kann ich nicht helfen. Wenn Sie das für einen Irrtum halten, formulieren Sie sie bitte um.',
    pt: 'Desculpe, não posso ajudar com essa mensagem. Se achar que é um engano, por favor reformule.',
    it: 'Mi dispiace, non posso aiutarti con questo messaggio. Se pensi che sia un errore, prova a riformularlo.',
    ru: 'Извините, я не могу помочь с этим сообщением. Если вы считаете, что это ошибка, пожалуйста, переформулируйте его.',
    ar: 'عذرًا، لا يمكنني المساعدة في هذه الرسالة. إذا كنت تعتقد أن هذا خطأ، يُرجى إعادة صياغتها.',
    hi: 'माफ़ कीजिए, मैं इस संदेश में मदद नहीं कर सकता। अगर आपको लगता है कि यह गलती है, तो कृपया इसे दूसरे शब्दों में लिखें।',
    zh: '抱歉，我无法处理这条消息。如果您认为这是误判，请换一种说法。',
    ja: '申し訳ありませんが、このメッセージにはお答えできません。誤りだと思われる場合は、言い換えてお送りください。',
  },
  /** The default fallback reply, when the model keeps failing and the bot has no fallback of its own. */
  fallback: {
    en: "Sorry, I can't answer right now. Please try again in a little while.",
    es: 'Lo siento, ahora mismo no puedo responder. Inténtalo de nuevo en un rato.',
    fr: 'Désolé, je ne peux pas répondre pour le moment. Veuillez réessayer dans un petit moment.',
    de: 'Entschuldigung, ich kann gerade nicht antworten. Bitte versuchen Sie es in Kürze noch einmal.',
    pt: 'Desculpe, não consigo responder agora. Tente novamente daqui a pouco.',
    it: 'Mi dispiace, al momento non riesco a rispondere. Riprova tra poco.',
    ru: 'Извините, сейчас я не могу ответить. Пожалуйста, попробуйте чуть позже.',
    ar: 'عذرًا، لا أستطيع الرد الآن. يُرجى المحاولة مرة أخرى بعد قليل.',
    hi: 'माफ़ कीजिए, मैं अभी जवाब नहीं दे सकता। कृपया थोड़ी देर बाद फिर से कोशिश करें।',
    zh: '抱歉，我现在无法回答。请稍后再试。',
    ja: '申し訳ありませんが、ただいま回答できません。しばらくしてからもう一度お試しください。',
  },
};

/** The notice in `language` (any BCP-47 tag), or in English when it is not one of ours. */
export function noticeIn(name: NoticeName, language: string | null | undefined): string {
  const texts: Partial<Record<string, string>> = NOTICE_TEXTS[name];
  return texts[primaryLanguage(language)] ?? NOTICE_TEXTS[name].en;
}

/**
 * The bot's fallback reply in the person's language: the default one is translated; one the bot's
 * admin wrote is theirs, and is sent as written.
 */
export function fallbackReplyIn(fallbackReply: string, language: string | null | undefined): string {
  return fallbackReply === NOTICE_TEXTS.fallback.en ? noticeIn('fallback', language) : fallbackReply;
}
