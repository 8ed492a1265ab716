// The directory, kept current without a reload: /directory.json is read again about
// every inquiry interval (data-refresh-ms) and the tiles are updated in place: names,
// links, notes, the count; a camera no longer listed stays, greyed, as "gone"; a new one
// gets a tile. Each thumbnail is fetched again every 3 s and swapped in once loaded.
// When this page's own camera stops answering (the representative left), the other
// cameras are asked for their directory at once, and the page follows the answer
// of whichever is now the representative.
(() => {
  const list = document.getElementById('directory');
  const refresh = Math.max(Number(document.body.dataset.refreshMs) || 1000, 250);
  let source = new URL('/directory.json', location.href).href;
  const tiles = () => Array.from(list.querySelectorAll('.tile'));

  async function read(url, ms) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), ms);
    try {
      const reply = await fetch(url, { signal: abort.signal, cache: 'no-store' });
      if (!reply.ok) throw new Error('HTTP ' + reply.status);
      const site = await reply.json();
      if (!site || !site.directory || !Array.isArray(site.directory.cameras)) throw new Error('not a directory');
      return site;
    } finally { clearTimeout(timer); }
  }

  // The current source first; failing that, every camera known, at once: the
  // representative's answer wins, else the first.
  async function readSite() {
    try { return await read(source, 1200); } catch (error) { /* ask the others */ }
    const others = [...new Set(tiles().map(t => t.dataset.url).filter(Boolean).map(u => u + 'directory.json'))].filter(u => u !== source);
    if (others.length === 0) return null;
    const answers = others.map(u => read(u, 1500).then(site => ({ url: u, site })));
    const first = await Promise.any(answers).catch(() => null);
    const settled = await Promise.race([Promise.allSettled(answers), new Promise(r => setTimeout(() => r(null), 400))]);
    const all = settled ? settled.filter(a => a.status === 'fulfilled').map(a => a.value) : (first ? [first] : []);
    const chosen = all.find(a => a.site.role === 'representative') || first;
    if (!chosen) return null;
    const representative = chosen.site.directory.cameras.find(c => c.representative && c.url);
    source = representative ? representative.url + 'directory.json' : chosen.url;
    return chosen.site;
  }

  function note(camera) {
    const parts = [];
    if (camera.url) parts.push(camera.url.replace(/^http:\/\//, '').replace(/\/$/, ''));
    else parts.push('port ' + camera.external_port + '; external address not known yet');
    if (camera.representative) parts.push('representative');
    if (!camera.verified) parts.push('unverified');
    return parts.join(' · ');
  }

  function render(tile, camera) {
    tile.className = 'tile' + (camera.verified ? '' : ' unverified');
    tile.dataset.name = camera.name;
    tile.dataset.url = camera.url || '';
    let thumb = tile.querySelector('a.thumb');
    let meta = tile.querySelector('.meta');
    if (!meta) { meta = document.createElement('div'); meta.className = 'meta'; tile.append(meta); }
    if (camera.url && !thumb) {
      thumb = document.createElement('a'); thumb.className = 'thumb';
      const img = document.createElement('img'); img.width = 320; img.height = 240;
      thumb.append(img); tile.prepend(thumb);
    }
    if (thumb) {
      thumb.hidden = !camera.url;
      if (camera.url) {
        thumb.href = camera.url + 'camera';
        const img = thumb.querySelector('img');
        img.alt = camera.name;
        if (!img.src.startsWith(camera.url)) img.src = camera.url + 'snapshot';
      }
    }
    meta.replaceChildren();
    const name = document.createElement('span'); name.className = 'name'; name.textContent = camera.name;
    if (camera.url) {
      const link = document.createElement('a'); link.className = 'name'; link.href = camera.url + 'camera';
      link.append(name); meta.append(link);
    } else meta.append(name);
    const text = document.createElement('span'); text.className = 'note'; text.textContent = note(camera);
    meta.append(' ', text);
  }

  function update(site) {
    const cameras = site.directory.cameras;
    const unmatched = new Set(tiles());
    const pending = [];
    // Same name first; then a tile at the same address (a camera renamed).
    for (const camera of cameras) {
      const tile = tiles().find(t => unmatched.has(t) && t.dataset.name === camera.name);
      if (tile) { unmatched.delete(tile); render(tile, camera); } else pending.push(camera);
    }
    for (const camera of pending) {
      let tile = camera.url ? [...unmatched].find(t => t.dataset.url === camera.url) : undefined;
      if (tile) unmatched.delete(tile);
      else { tile = document.createElement('li'); list.append(tile); }
      render(tile, camera);
    }
    for (const tile of unmatched) {
      if (tile.classList.contains('gone')) continue;
      tile.classList.add('gone');
      const text = tile.querySelector('.note');
      if (text) text.textContent = 'gone';
    }
    document.getElementById('count').textContent = '(' + cameras.length + ')';
    document.getElementById('updated').textContent = '';
  }

  let misses = 0;
  async function poll() {
    const site = await readSite().catch(() => null);
    if (site) { misses = 0; update(site); }
    else if (++misses >= 2) document.getElementById('updated').textContent = 'no camera answers; still trying';
    setTimeout(poll, refresh);
  }

  function refreshThumbnails() {
    for (const tile of tiles()) {
      const img = tile.querySelector('a.thumb img');
      const url = tile.dataset.url;
      if (!img || !url || tile.classList.contains('gone') || img.dataset.loading) continue;
      img.dataset.loading = '1';
      const next = new Image();
      const done = () => { delete img.dataset.loading; };
      next.onload = () => { if (tile.dataset.url === url) img.src = next.src; done(); };
      next.onerror = done;
      next.src = url + 'snapshot?t=' + Date.now();
    }
  }

  setTimeout(poll, refresh);
  setInterval(refreshThumbnails, 3000);
})();
