// The live transcript, the reply form that sends once, and canned responses on Alt+1…9.
const transcript = document.getElementById('transcript');

if (transcript && transcript.dataset.events) {
  const source = new EventSource(transcript.dataset.events);
  source.addEventListener('open', () => document.body.setAttribute('data-live', 'connected'));
  source.addEventListener('message', (event) => {
    const { id, html } = JSON.parse(event.data);
    if (document.getElementById(`m-${id}`)) return;
    const template = document.createElement('template');
    template.innerHTML = html;
    const item = template.content.firstElementChild;
    if (item) transcript.appendChild(item);
  });
  // The status or the assignment changed: the actions that apply are others, so show the page anew.
  // Not while the operator types, nor while a form of theirs is on its way (its answer shows the page).
  source.addEventListener('state', () => {
    const typing = document.getElementById('reply-text');
    if (typing && typing.value.trim() !== '') return;
    if (document.querySelector('form[data-sent]')) return;
    window.location.reload();
  });
}

// One submit per form: a double click sends once (the server also dedupes by the form's message id).
for (const form of document.querySelectorAll('form')) {
  form.addEventListener('submit', (event) => {
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = '1';
    for (const button of form.querySelectorAll('button')) button.disabled = true;
  });
}

const canned = document.getElementById('canned');
const reply = document.getElementById('reply-text');
function insertCanned(text) {
  if (!reply || !text) return;
  const start = reply.selectionStart ?? reply.value.length;
  const end = reply.selectionEnd ?? reply.value.length;
  reply.value = reply.value.slice(0, start) + text + reply.value.slice(end);
  reply.focus();
  reply.setSelectionRange(start + text.length, start + text.length);
}
if (canned) {
  canned.addEventListener('change', () => {
    insertCanned(canned.value);
    canned.value = '';
  });
  document.addEventListener('keydown', (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const digit = /^Digit([1-9])$/.exec(event.code);
    if (!digit) return;
    const option = canned.options[Number(digit[1])];
    if (!option) return;
    event.preventDefault();
    insertCanned(option.value);
  });
}
