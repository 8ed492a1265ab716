// The camera page, kept alive without a reload. The stream is read with fetch() and
// each picture shown as it arrives, so the page knows at once when the stream ends, fails
// or stalls (a failover moves the address to another camera) and connects again, waiting
// 0.5 s, then 1, 2 and at most 4 s between tries. Without JavaScript the <img> plays
// /stream by itself. The status under the picture is /state, read every 2 s.
(() => {
  const live = document.getElementById('live');
  const reconnecting = document.getElementById('reconnecting');
  const field = id => document.getElementById(id);
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  const crlf2 = [13, 10, 13, 10];

  function indexOf(bytes, pattern, from) {
    outer: for (let i = from; i <= bytes.length - pattern.length; i++) {
      for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
      return i;
    }
    return -1;
  }

  let shown = null;
  function show(jpeg) {
    const url = URL.createObjectURL(new Blob([jpeg], { type: 'image/jpeg' }));
    const previous = shown;
    shown = url;
    live.src = url;
    // Counted for whoever watches the page (the browser tests): frames shown so far.
    live.dataset.frames = String(Number(live.dataset.frames || 0) + 1);
    if (previous) setTimeout(() => URL.revokeObjectURL(previous), 1000);
  }

  // One connection: resolves never, rejects when it ends, fails or brings no picture for 4 s.
  async function play() {
    const abort = new AbortController();
    let watchdog = 0;
    const kick = () => { clearTimeout(watchdog); watchdog = setTimeout(() => abort.abort(), 4000); };
    kick();
    try {
      const reply = await fetch('/stream', { signal: abort.signal, cache: 'no-store' });
      if (!reply.ok || !reply.body) throw new Error('HTTP ' + reply.status);
      const reader = reply.body.getReader();
      let buffer = new Uint8Array(0);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        const joined = new Uint8Array(buffer.length + value.length);
        joined.set(buffer); joined.set(value, buffer.length);
        buffer = joined;
        for (;;) {
          const headEnd = indexOf(buffer, crlf2, 0);
          if (headEnd < 0) break;
          const head = new TextDecoder().decode(buffer.subarray(0, headEnd));
          const length = /content-length:\s*(\d+)/i.exec(head);
          const start = headEnd + 4;
          if (!length) { buffer = buffer.slice(start); continue; }
          const end = start + Number(length[1]);
          if (buffer.length < end) break;
          show(buffer.slice(start, end));
          buffer = buffer.slice(end);
          failures = 0;
          reconnecting.hidden = true;
          kick();
        }
        if (buffer.length > 16 << 20) throw new Error('no picture in 16 MB');
      }
    } finally {
      clearTimeout(watchdog);
      abort.abort();
    }
  }

  let failures = 0;
  async function keepPlaying() {
    for (;;) {
      try { await play(); } catch (error) { /* connect again below */ }
      failures++;
      reconnecting.hidden = false;
      await sleep(Math.min(250 * 2 ** failures, 4000));
    }
  }

  const fullscreen = document.getElementById('fullscreen');
  if (fullscreen && document.fullscreenEnabled) {
    fullscreen.hidden = false;
    fullscreen.addEventListener('click', () => {
      if (document.fullscreenElement) document.exitFullscreen(); else document.getElementById('view').requestFullscreen();
    });
  }

  const signalText = { 'live': 'live', 'no-signal': 'no signal', 'starting': 'starting' };
  async function readState() {
    const badge = field('signal');
    try {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), 1800);
      const reply = await fetch('/state', { signal: abort.signal, cache: 'no-store' });
      clearTimeout(timer);
      if (!reply.ok) throw new Error('HTTP ' + reply.status);
      const state = await reply.json();
      if (state.name && state.name !== document.body.dataset.name) {
        document.body.dataset.name = state.name;
        field('name').textContent = state.name;
        document.title = state.name + ' · Portico';
      }
      const camera = state.camera;
      if (camera) {
        badge.className = 'badge ' + camera.signal;
        badge.textContent = signalText[camera.signal] || camera.signal;
        field('detail').textContent = camera.signal_detail;
        field('size').textContent = camera.size;
        field('fps').textContent = camera.published_fps.toFixed(1) + ' fps (of ' + camera.fps + ')';
        field('viewers').textContent = String(camera.stream_clients);
      }
      if (state.site) {
        field('role').textContent = state.site.role;
        // "All cameras" follows the site: after a failover it is another camera's address.
        const representative = state.site.directory.cameras.find(c => c.representative && c.url);
        const back = field('back');
        if (back) back.href = state.site.role === 'representative' ? '/' : representative ? representative.url : back.href;
      }
    } catch (error) {
      badge.className = 'badge offline';
      badge.textContent = 'offline';
    }
  }

  if (live && window.ReadableStream && window.fetch) keepPlaying();
  readState();
  setInterval(readState, 2000);
})();
