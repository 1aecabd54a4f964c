import { startSmtpSink } from '../fakes/smtp-sink';
import { postApiMessage } from '../support/conversation-probes';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('handoff email', () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let stack: TestStack;
  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await startTestStack({ env: { SMTP_URL: sink.url, HANDOFF_EMAIL_TO: 'support@example.com, lead@example.com' } });
  });
  afterAll(async () => {
    await stack?.close();
    await sink?.close();
  });

  it('emails the support team when a person asks for a human', async () => {
    await postApiMessage(stack, 'needs-human', 'm1', 'please connect me to a human', true);
    const [mail] = await waitFor('the email', () => sink.mails.length > 0 && sink.mails);
    const conversation = await stack.db.selectFrom('conversations').select('id').where('chat_id', '=', 'needs-human').executeTakeFirstOrThrow();
    expect(mail!.to).toEqual(['support@example.com', 'lead@example.com']);
    // Bodies travel quoted-printable: undo soft line breaks and escapes before reading.
    const text = mail!.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    expect(text).toContain(`Handoff requested: bot ${stack.botId}, api chat needs-human`);
    expect(text).toContain(`/v1/conversations/${conversation.id}/messages`);
  });
});
