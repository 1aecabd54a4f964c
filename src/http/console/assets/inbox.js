// The live inbox: rows arrive over server-sent events (no polling). Each event carries the row's
// HTML, rendered and escaped by the server; this module only places it.
const list = document.getElementById('inbox');
const live = document.getElementById('inbox-live');

if (list && list.dataset.events) {
  const source = new EventSource(list.dataset.events);
  source.addEventListener('ready', () => document.body.setAttribute('data-live', 'connected'));
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
  source.addEventListener('error', () => document.body.setAttribute('data-live', 'reconnecting'));
}
