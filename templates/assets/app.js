// Progressive enhancement only: every page works without this script.
document.addEventListener('DOMContentLoaded', () => {
  // Move focus to the error summary so screen readers announce it.
  const summary = document.getElementById('error-summary');
  if (summary) summary.focus();
  // Stop a form from being sent twice by a double click.
  for (const form of document.querySelectorAll('form[data-once]')) {
    form.addEventListener('submit', () => {
      for (const button of form.querySelectorAll('button[type=submit]')) button.disabled = true;
    });
  }
  // Every action that issues a letter shows the letter first and asks for confirmation
  // (POST …/preview writes nothing); a sign-off asks in words.
  const dialog = document.getElementById('preview-dialog');
  for (const form of document.querySelectorAll('form[data-preview]')) {
    form.addEventListener('submit', async (event) => {
      if (form.dataset.confirmed || !dialog || !form.reportValidity()) return;
      event.preventDefault();
      const res = await fetch(form.dataset.preview, { method: 'POST', body: new FormData(form), credentials: 'same-origin' }).catch(() => null);
      if (!res || !res.ok) {
        form.dataset.confirmed = '1';
        form.requestSubmit();
        return;
      }
      dialog.querySelector('[data-preview-body]').innerHTML = await res.text();
      dialog.querySelector('[data-preview-confirm]').onclick = () => {
        form.dataset.confirmed = '1';
        dialog.close();
        form.requestSubmit();
      };
      dialog.querySelector('[data-preview-cancel]').onclick = () => dialog.close();
      dialog.showModal();
    });
  }
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  for (const button of document.querySelectorAll('[data-print]')) {
    button.addEventListener('click', () => window.print());
  }
  // Signed-in staff: a session unused for 30 minutes ends (src/staff/auth.service.ts). Typing,
  // clicking or scrolling on a page is use, told to the server at most every 5 minutes, so that
  // someone writing a long answer is not signed out before sending it.
  const ping = document.body.dataset.sessionPing;
  if (ping) {
    let used = false;
    for (const type of ['keydown', 'input', 'pointerdown', 'scroll']) {
      document.addEventListener(type, () => { used = true; }, { capture: true, passive: true });
    }
    setInterval(() => {
      if (!used) return;
      used = false;
      fetch(ping, { credentials: 'same-origin', cache: 'no-store' }).catch(() => {});
    }, 5 * 60 * 1000);
  }
});
