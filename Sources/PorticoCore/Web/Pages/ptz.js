// Pan/tilt buttons: each is a small form (it posts itself without JavaScript); here it
// posts JSON to /api/ptz instead and shows the answer without leaving the page.
(() => {
  const status = document.getElementById('ptz-status');
  document.querySelectorAll('#ptz form').forEach(form => form.addEventListener('submit', async event => {
    event.preventDefault();
    const body = {};
    for (const [key, value] of new FormData(form)) body[key] = key === 'pan' || key === 'tilt' ? Number(value) : value;
    try {
      const reply = await fetch('/api/ptz', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (reply.ok) {
        const s = await reply.json();
        const to = s.target || s.position;
        status.textContent = to ? `moving to pan ${to.pan}°, tilt ${to.tilt}°` : s.position_detail;
      } else {
        status.textContent = reply.status === 401 || reply.status === 403 ? 'Log in (Settings) to move the camera.' : await reply.text();
      }
    } catch (error) {
      status.textContent = 'the camera did not answer';
    }
  }));
})();
