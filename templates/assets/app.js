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
