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
  // Redaction (art. 37): drag on a page's image to mark an area; each area is a hidden "page,x,y,w,h"
  // in points from the page's top left, with its ground chosen beside it in the list.
  const areas = document.getElementById('areas');
  if (areas) {
    const grounds = areas.dataset.grounds.split(';;').map((g) => g.split('='));
    for (const figure of document.querySelectorAll('.redact-page')) {
      const image = figure.querySelector('img');
      let start = null;
      let box = null;
      const at = (event) => {
        const r = image.getBoundingClientRect();
        return { x: Math.min(Math.max(event.clientX - r.left, 0), r.width), y: Math.min(Math.max(event.clientY - r.top, 0), r.height) };
      };
      image.addEventListener('pointerdown', (event) => {
        event.preventDefault();
        start = at(event);
        box = document.createElement('span');
        box.className = 'redact-box';
        figure.appendChild(box);
      });
      window.addEventListener('pointermove', (event) => {
        if (!start) return;
        const p = at(event);
        Object.assign(box.style, { left: `${Math.min(p.x, start.x) + image.offsetLeft}px`, top: `${Math.min(p.y, start.y) + image.offsetTop}px`, width: `${Math.abs(p.x - start.x)}px`, height: `${Math.abs(p.y - start.y)}px` });
      });
      window.addEventListener('pointerup', (event) => {
        if (!start) return;
        const p = at(event);
        const scale = Number(figure.dataset.width) / image.clientWidth;
        const area = [figure.dataset.page, Math.min(p.x, start.x) * scale, Math.min(p.y, start.y) * scale, Math.abs(p.x - start.x) * scale, Math.abs(p.y - start.y) * scale].map((v, i) => (i ? Number(v).toFixed(1) : v));
        start = null;
        if (Number(area[3]) < 2 || Number(area[4]) < 2) return box.remove();
        const item = document.createElement('li');
        const options = grounds.map(([value, label]) => `<option value="${value}"${value === 'withheld_third_party_rights' ? ' selected' : ''}>${label}</option>`).join('');
        item.innerHTML = `第${area[0]}页区域 <input type="hidden" name="area" value="${area.join(',')}"> <select name="areaGround" aria-label="理由">${options}</select> <button type="button" class="link">撤销</button>`;
        const drawn = box;
        item.querySelector('button').onclick = () => { item.remove(); drawn.remove(); };
        areas.appendChild(item);
      });
    }
  }
});
