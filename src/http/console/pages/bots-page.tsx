import type { Child } from 'hono/jsx';
import type { CannedResponseRow } from '../../../db/queries/console-notes';
import type { BotRecord } from '../../../db/queries/bots';
import type { BotToolRow } from '../../../db/queries/bot-tools';
import type { FieldErrors, FormFields } from '../bot-form';
import { formatInstant } from '../format';
import { ActionButton, CsrfField, Layout, type PageContext } from './layout';

/** The bots the key may see; admins may open each one's form. */
export function BotsPage(props: { page: PageContext; bots: BotRecord[]; canCreate: boolean }) {
  return (
    <Layout title="Bots" page={props.page} active="bots">
      <h1>Bots</h1>
      {props.canCreate && (
        <p>
          <a href="/console/bots/new">New bot</a>
        </p>
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Bot</th>
              <th scope="col">Model</th>
              <th scope="col">State</th>
              <th scope="col">Updated (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {props.bots.map((bot) => (
              <tr>
                <td>
                  <a href={`/console/bots/${bot.id}`}>{bot.name}</a> <span class="muted">{bot.id}</span>
                </td>
                <td>{bot.model}</td>
                <td>{bot.enabled ? 'enabled' : <strong>disabled</strong>}</td>
                <td>{formatInstant(bot.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

export interface ChannelView {
  platform: string;
  stored: boolean;
  credentialFields: string[];
  webhook: { ok: true; url: string } | { ok: false; problem: string };
  /** The latest message that came through a verified webhook of this channel. */
  lastVerifiedAt: Date | null;
}

/** What the tools section shows besides the list: a form typed wrong, or a new tool's secret, once. */
export interface ToolFormState {
  values?: FormFields;
  errors?: FieldErrors;
  created?: { name: string; secret: string };
}

/** A bot's settings form (new or edit), and for an existing bot its channels and canned responses. */
export function BotFormPage(props: {
  page: PageContext;
  mode: 'new' | 'edit';
  values: FormFields;
  errors: FieldErrors;
  canEdit: boolean;
  channels?: ChannelView[];
  canned?: CannedResponseRow[];
  tools?: ToolFormState & { list: BotToolRow[] };
}) {
  const { values, errors, page } = props;
  const botId = typeof values.id === 'string' ? values.id : '';
  const action = props.mode === 'new' ? '/console/bots' : `/console/bots/${botId}`;
  const field = (name: string, label: string, input: (describedBy: string | undefined) => Child, hint?: string) => {
    const ids = [hint && `${name}-hint`, errors[name] && `${name}-error`].filter(Boolean).join(' ') || undefined;
    return (
      <div class="field">
        <label for={name}>{label}</label>
        {hint && (
          <p class="hint" id={`${name}-hint`}>
            {hint}
          </p>
        )}
        {input(ids)}
        {errors[name] && (
          <p class="field-error" id={`${name}-error`}>
            {errors[name]}
          </p>
        )}
      </div>
    );
  };
  const value = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');
  const textInput = (name: string, label: string, hint?: string, type = 'text') =>
    field(name, label, (describedBy) => <input id={name} name={name} type={type} value={value(name)} aria-invalid={errors[name] ? 'true' : undefined} aria-describedby={describedBy} disabled={!props.canEdit} />, hint);
  const area = (name: string, label: string, rows: number, hint?: string) =>
    field(name, label, (describedBy) => (
      <textarea id={name} name={name} rows={rows} aria-invalid={errors[name] ? 'true' : undefined} aria-describedby={describedBy} disabled={!props.canEdit}>
        {value(name)}
      </textarea>
    ), hint);
  const errorCount = Object.keys(errors).length;
  return (
    <Layout title={props.mode === 'new' ? 'New bot' : `Bot ${botId}`} page={page} active="bots">
      <p>
        <a href="/console/bots">← Bots</a>
      </p>
      <h1>{props.mode === 'new' ? 'New bot' : value('name') || botId}</h1>
      {errorCount > 0 && (
        <p class="flash error" role="alert">
          {errorCount === 1 ? 'One field needs' : `${errorCount} fields need`} a change: see beside {errorCount === 1 ? 'it' : 'each'}.{errors.form ? ` ${errors.form}` : ''}
        </p>
      )}
      {!props.canEdit && <p class="muted">Only an admin may change a bot.</p>}
      <form method="post" action={action} class="form-grid" novalidate>
        <CsrfField token={page.csrfToken} />
        {props.mode === 'new' ? textInput('id', 'Id', 'Lower case letters, digits, "-" and "_"; it is in webhook URLs and cannot change.') : <input type="hidden" name="id" value={botId} />}
        {textInput('name', 'Name')}
        {area('systemPrompt', 'System prompt', 6)}
        {textInput('model', 'Model')}
        {textInput('temperature', 'Temperature', 'From 0 to 2; blank: the model’s default.')}
        {textInput('maxReplyTokens', 'Most tokens in a reply', 'Blank: the model’s limit.')}
        {textInput('debounceMs', 'Debounce (ms)', 'Messages this close together are answered as one turn.')}
        {textInput('idleTimeoutMs', 'End after idle (ms)')}
        {textInput('handoffTimeoutMs', 'Handoff returns to the bot after (ms)', 'With no operator message for this long.')}
        {textInput('handoffPattern', 'Handoff pattern', 'A regular expression for “asks for a human”; blank: the built-in one.')}
        {field('moderationPolicy', 'Moderation policy', (describedBy) => (
          <select id="moderationPolicy" name="moderationPolicy" aria-describedby={describedBy} disabled={!props.canEdit}>
            {(['block', 'flag', 'off'] as const).map((policy) => (
              <option value={policy} selected={value('moderationPolicy') === policy}>
                {policy}
              </option>
            ))}
          </select>
        ))}
        {area('fallbackReply', 'Fallback reply', 2, 'Sent when the model cannot answer.')}
        {textInput('contextTokenBudget', 'Context token budget')}
        {textInput('maxToolSteps', 'Tool rounds per turn')}
        {field('vision', 'Show the model images', (describedBy) => (
          <select id="vision" name="vision" aria-describedby={describedBy} disabled={!props.canEdit}>
            {[
              ['auto', 'When the model sees them'],
              ['on', 'Yes'],
              ['off', 'No'],
            ].map(([option, label]) => (
              <option value={option} selected={(value('vision') || 'auto') === option}>
                {label}
              </option>
            ))}
          </select>
        ))}
        {textInput('transcriptionModel', 'Transcription model')}
        {area('intents', 'Intents (JSON)', 6, 'A list of {name, description, examples, action}; see docs/intelligence.md.')}
        {area('whatsappTemplates', 'WhatsApp templates (JSON)', 3)}
        <label>
          <input type="checkbox" name="offerChoices" checked={values.offerChoices === 'on'} disabled={!props.canEdit} /> The model may offer buttons
        </label>
        <label>
          <input type="checkbox" name="enabled" checked={props.mode === 'new' || values.enabled === 'on'} disabled={!props.canEdit} /> Enabled (a disabled bot answers no one)
        </label>
        {props.canEdit && (
          <button type="submit" class="primary">
            {props.mode === 'new' ? 'Create bot' : 'Save'}
          </button>
        )}
      </form>
      {props.channels && <Channels botId={botId} channels={props.channels} page={page} canEdit={props.canEdit} />}
      {props.tools && <Tools botId={botId} tools={props.tools} page={page} canEdit={props.canEdit} />}
      {props.canned && <Canned botId={botId} canned={props.canned} page={page} canEdit={props.canEdit} />}
    </Layout>
  );
}

function Channels(props: { botId: string; channels: ChannelView[]; page: PageContext; canEdit: boolean }) {
  return (
    <section aria-labelledby="channels-title">
      <h2 id="channels-title">Channels</h2>
      <p class="muted">Credentials are stored sealed and never shown again: type them in full to replace them.</p>
      {props.channels.map((channel) => (
        <details>
          <summary>
            {channel.platform}: {channel.stored ? 'credentials stored' : 'not set up'}
            {channel.lastVerifiedAt ? `; last verified webhook ${formatInstant(channel.lastVerifiedAt)} UTC` : channel.stored ? '; no verified webhook yet' : ''}
          </summary>
          <p>
            Webhook URL: {channel.webhook.ok ? <code>{channel.webhook.url}</code> : <span class="muted">{channel.webhook.problem}</span>}
          </p>
          {props.canEdit && (
            <form method="post" action={`/console/bots/${props.botId}/channels/${channel.platform}`} class="form-grid">
              <CsrfField token={props.page.csrfToken} />
              {channel.credentialFields.map((name) => (
                <div class="field">
                  <label for={`${channel.platform}-${name}`}>{name}</label>
                  <input id={`${channel.platform}-${name}`} name={name} type="password" autocomplete="off" />
                </div>
              ))}
              <button type="submit">Store {channel.platform} credentials</button>
            </form>
          )}
        </details>
      ))}
    </section>
  );
}

function Canned(props: { botId: string; canned: CannedResponseRow[]; page: PageContext; canEdit: boolean }) {
  return (
    <section aria-labelledby="canned-title">
      <h2 id="canned-title">Canned responses</h2>
      <p class="muted">Operators insert these in a reply with Alt+1 to Alt+9, in this order.</p>
      <ol>
        {props.canned.map((canned) => (
          <li>
            <strong>{canned.title}</strong>: {canned.text}{' '}
            {props.canEdit && <ActionButton action={`/console/bots/${props.botId}/canned/${canned.id}/delete`} label={`Delete “${canned.title}”`} csrfToken={props.page.csrfToken} />}
          </li>
        ))}
      </ol>
      {props.canEdit && (
        <form method="post" action={`/console/bots/${props.botId}/canned`} class="form-grid">
          <CsrfField token={props.page.csrfToken} />
          <label for="canned-title-input">Title</label>
          <input id="canned-title-input" name="title" required maxlength={100} />
          <label for="canned-text">Text</label>
          <textarea id="canned-text" name="text" rows={2} required maxlength={4000}></textarea>
          <button type="submit">Add canned response</button>
        </form>
      )}
    </section>
  );
}

const TOOL_PARAMETERS_EXAMPLE = '{"type": "object", "properties": {"orderNumber": {"type": "string"}}, "required": ["orderNumber"]}';

/** The tools the bot's model may call; admins add and delete them. A new tool's secret shows once. */
function Tools(props: { botId: string; tools: ToolFormState & { list: BotToolRow[] }; page: PageContext; canEdit: boolean }) {
  const { list, values = {}, errors = {}, created } = props.tools;
  const value = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');
  const input = (name: string, label: string, hint: string | undefined, control: (describedBy: string | undefined) => Child) => {
    const describedBy = [hint && `tool-${name}-hint`, errors[name] && `tool-${name}-error`].filter(Boolean).join(' ') || undefined;
    return (
      <div class="field">
        <label for={`tool-${name}`}>{label}</label>
        {hint && (
          <p class="hint" id={`tool-${name}-hint`}>
            {hint}
          </p>
        )}
        {control(describedBy)}
        {errors[name] && (
          <p class="field-error" id={`tool-${name}-error`}>
            {errors[name]}
          </p>
        )}
      </div>
    );
  };
  const invalid = (name: string) => (errors[name] ? 'true' : undefined);
  return (
    <section aria-labelledby="tools-title">
      <h2 id="tools-title">Tools</h2>
      <p class="muted">HTTP endpoints the model may call in a turn, each request signed with the tool’s secret (docs/intelligence.md).</p>
      {created && (
        <div class="flash notice" role="status">
          <p>
            Added the tool “{created.name}”. Its signing secret, shown this once (it is stored sealed):
          </p>
          <p>
            <code class="secret">{created.secret}</code>
          </p>
        </div>
      )}
      {list.length === 0 ? (
        <p>No tools yet.</p>
      ) : (
        <ul class="tool-list">
          {list.map((tool) => (
            <li>
              <strong>{tool.name}</strong>: {tool.description}
              <br />
              <code>{tool.url}</code> <span class="muted">· times out after {tool.timeout_ms / 1000} s</span>
              <details>
                <summary>Parameters</summary>
                <pre>{JSON.stringify(tool.parameters, null, 2)}</pre>
              </details>
              {props.canEdit && <ActionButton action={`/console/bots/${props.botId}/tools/${encodeURIComponent(tool.name)}/delete`} label={`Delete the tool “${tool.name}”`} csrfToken={props.page.csrfToken} />}
            </li>
          ))}
        </ul>
      )}
      {props.canEdit && (
        <form method="post" action={`/console/bots/${props.botId}/tools`} class="form-grid" novalidate>
          <h3>Add a tool</h3>
          {errors.form && (
            <p class="flash error" role="alert">
              {errors.form}
            </p>
          )}
          <CsrfField token={props.page.csrfToken} />
          {input('name', 'Name', 'Letters, digits, "_" and "-"; the model calls the tool by it.', (d) => <input id="tool-name" name="name" value={value('name')} aria-invalid={invalid('name')} aria-describedby={d} />)}
          {input('description', 'Description', 'What it does and when to use it: the model reads this.', (d) => <input id="tool-description" name="description" value={value('description')} aria-invalid={invalid('description')} aria-describedby={d} />)}
          {input('parameters', 'Parameters (JSON Schema)', `An object schema, e.g. ${TOOL_PARAMETERS_EXAMPLE}`, (d) => (
            <textarea id="tool-parameters" name="parameters" rows={4} aria-invalid={invalid('parameters')} aria-describedby={d}>
              {value('parameters')}
            </textarea>
          ))}
          {input('url', 'URL', 'HTTPS.', (d) => <input id="tool-url" name="url" type="url" value={value('url')} aria-invalid={invalid('url')} aria-describedby={d} />)}
          {input('timeoutMs', 'Timeout (ms)', 'From 1000 to 60000; blank: 10000.', (d) => <input id="tool-timeoutMs" name="timeoutMs" value={value('timeoutMs')} aria-invalid={invalid('timeoutMs')} aria-describedby={d} />)}
          <button type="submit">Add tool</button>
        </form>
      )}
    </section>
  );
}
