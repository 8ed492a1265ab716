/// Arrow buttons, home, stop and the profile's presets under the stream. Each button
/// posts to `/api/ptz`; the browser asks for the admin password the first time (the
/// API answers 401 with a Basic challenge), and the answer's message is shown.
enum PanTiltControls {
    static func html(_ status: PanTiltStatus) -> String {
        let presets = status.presets.keys.sorted().map { name in
            let escaped = Markup.escape(name)
            return #"<button data-preset="\#(escaped)">\#(escaped)</button>"#
        }.joined()
        return """
        <section id="ptz">
        <div class="pad">
        <button data-move="0,10" title="up" style="grid-area: 1 / 2">▲</button>
        <button data-move="-10,0" title="left" style="grid-area: 2 / 1">◀</button>
        <button data-command="stop" title="stop" style="grid-area: 2 / 2">■</button>
        <button data-move="10,0" title="right" style="grid-area: 2 / 3">▶</button>
        <button data-move="0,-10" title="down" style="grid-area: 3 / 2">▼</button>
        </div>
        <div class="row"><button data-command="home">home</button>\(presets)</div>
        <p id="ptz-status">\(Markup.escape(describe(status)))</p>
        </section>
        """
    }

    static func describe(_ status: PanTiltStatus) -> String {
        guard let position = status.position else { return "position unknown: \(status.position_detail)" }
        return "pan \(position.pan)°, tilt \(position.tilt)° (\(status.activity))"
    }

    static let style = """
    #ptz { margin-top: .8rem; } #ptz button { font-size: 1.2rem; min-width: 3rem; min-height: 2.6rem; margin: .15rem; }
    #ptz .pad { display: grid; grid-template-columns: repeat(3, 3.4rem); justify-items: center; }
    #ptz-status { color: #bbb; font-size: .9rem; }
    """

    static let script = """
    const ptzStatus = document.getElementById('ptz-status');
    async function ptz(body) {
      const reply = await fetch('api/ptz', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (reply.ok) {
        const s = await reply.json();
        ptzStatus.textContent = s.position ? `moving to pan ${(s.target || s.position).pan}°, tilt ${(s.target || s.position).tilt}°` : s.position_detail;
      } else {
        ptzStatus.textContent = await reply.text();
      }
    }
    document.querySelectorAll('#ptz button').forEach(button => button.addEventListener('click', () => {
      if (button.dataset.move) { const [pan, tilt] = button.dataset.move.split(',').map(Number); ptz({ command: 'relative', pan, tilt }); }
      else if (button.dataset.preset) { ptz({ command: 'preset', name: button.dataset.preset }); }
      else { ptz({ command: button.dataset.command }); }
    }));
    """
}
