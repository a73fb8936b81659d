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
});
