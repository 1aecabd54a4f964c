// The live inbox: rows arrive over server-sent events (no polling). Each event carries the row's
// HTML, rendered and escaped by the server; this module only places it.
const list = document.getElementById('inbox');
const live = document.getElementById('inbox-live');
const connection = document.getElementById('inbox-connection');
const showConnection = (state, text) => {
  document.body.setAttribute('data-live', state);
  if (connection) connection.textContent = text;
};

if (list && list.dataset.events) {
  const source = new EventSource(list.dataset.events);
  showConnection('connecting', 'Connecting…');
  source.addEventListener('ready', () => showConnection('connected', 'Live: new messages appear without a reload.'));
  source.addEventListener('row', (event) => {
    const { id, activityAt, html } = JSON.parse(event.data);
    document.getElementById(`c-${id}`)?.remove();
    const template = document.createElement('template');
    template.innerHTML = html;
    const row = template.content.firstElementChild;
    if (!row) return;
    row.classList.add('fresh');
    // Newest activity first: before the first row that is older.
    const older = [...list.children].find((item) => (item.dataset.activity ?? '') < activityAt);
    list.insertBefore(row, older ?? null);
    document.querySelector('.empty')?.remove();
    if (live) live.textContent = `Updated: ${row.querySelector('.inbox-title')?.textContent?.trim() ?? 'a conversation'}`;
  });
  source.addEventListener('remove', (event) => {
    const { id } = JSON.parse(event.data);
    document.getElementById(`c-${id}`)?.remove();
  });
  source.addEventListener('resync', () => window.location.reload());
  // EventSource retries by itself; the page says so until the stream is back.
  source.addEventListener('error', () => showConnection('reconnecting', 'Reconnecting… new messages will appear when the server answers again.'));
}
