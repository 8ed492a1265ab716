#!/usr/bin/env python3
"""The pages in a real browser (Debian's chromium through Playwright), from wherever this
runs: started with `ip netns exec <lab namespace>`, it sees the site as the internet
(`wan`) or as the LAN (a camera's namespace) does.

    browser_pages.py --place lan|wan --directory URL --expect cam1,cam2,cam3 --shots DIR
                     [--admin-password PASS --camera URL]
                     [--kill-pid PID --remaining cam2,cam3 [--failover-only]]

Checks, each an assertion on what the page shows: every tile's thumbnail has loaded
(naturalWidth > 0); from the internet, no LAN address in the page, /directory.json or
any camera's /state;
from the LAN, every link at a LAN address; each tile's link opens that camera's page and
its picture changes over 2 s; at phone width (390 px) nothing scrolls sideways and
every button is at least 44 px. With --kill-pid: SIGTERM to the representative, then
the open directory page (no reload) lists exactly the remaining cameras within 3 s, and
the open camera page's stream resumes; from `wan`, each remaining camera's old address
(its port before the failover) still opens it. With --admin-password, from the LAN: log
in on the camera page at URL, rename the camera in the settings panel, see the new name
on the representative's directory page, a form posted from another site's page changes
nothing, and the name is set back; from `wan`: the login page answers 403 and says how
to allow administration from the internet. Screenshots go to DIR. Prints one line per
figure; exits 1 with the failed check's message.
"""
import argparse
import hashlib
import os
import signal
import sys
import time

from playwright.sync_api import sync_playwright

LAN_PREFIX = "198.51.100."


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def wait_for(what, limit, probe, interval=0.05):
    """Polls `probe` until it returns something true; returns (value, seconds)."""
    start = time.monotonic()
    while True:
        value = probe()
        if value:
            return value, time.monotonic() - start
        if time.monotonic() - start > limit:
            raise Failed(f"not within {limit} s: {what}")
        time.sleep(interval)


# miniupnpd carries out a NAT-PMP renewal by deleting the mapping's rule and adding it
# again: a connection from the internet that arrives in that instant is refused (about
# 1 in 400 at a 2 s lease). A viewer reloads; the checks here retry a refused
# connection once, and fail on anything else.
REFUSED = "ERR_CONNECTION_REFUSED"


def goto(page, url):
    try:
        return page.goto(url, wait_until="domcontentloaded")
    except Exception as error:
        if REFUSED not in str(error):
            raise
        time.sleep(0.2)
        return page.goto(url, wait_until="domcontentloaded")


def fetch_text(page, url):
    """`url` fetched by the page itself (its origin, its cookies), retried once if refused."""
    return page.evaluate("""url => fetch(url, {cache: 'no-store'}).then(r => r.text())
        .catch(() => new Promise(r => setTimeout(r, 200)).then(() => fetch(url, {cache: 'no-store'})).then(r => r.text()))""", url)


def tiles(page):
    """Every tile: name, link, whether it is gone, and its thumbnail's natural width."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('#directory .tile')).map(t => ({
        name: t.dataset.name, url: t.dataset.url, gone: t.classList.contains('gone'),
        href: (t.querySelector('a.name') || {}).href || '',
        width: (t.querySelector('img') || { naturalWidth: 0 }).naturalWidth }))""")


def picture(page):
    return hashlib.sha256(page.locator("#live").screenshot()).hexdigest()


def frames_shown(page):
    return page.evaluate("() => Number(document.getElementById('live').dataset.frames || 0)")


def layout_fits(page, what):
    """At phone width: no sideways scrolling, every visible button at least 44 px."""
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    check(wide[0] <= wide[1], f"{what}: the page scrolls sideways at {wide[1]} px (content {wide[0]} px)")
    small = page.evaluate("""() => Array.from(document.querySelectorAll('button, .button, summary, a.name'))
        .filter(e => e.offsetParent !== null)
        .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
        .filter(([_, r]) => r.height < 44 || r.width < 44).map(([t, r]) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`)""")
    check(not small, f"{what}: controls smaller than 44 px: {small}")


def directory_checks(page, args, expected):
    goto(page, args.directory)
    listed, took = wait_for("every tile's thumbnail loaded", 10, lambda: (
        lambda ts: ts if ts and all(t["width"] > 0 for t in ts) else None)(tiles(page)))
    print(f"{args.place}: {len(listed)} thumbnails loaded in {took:.2f} s")
    check(sorted(t["name"] for t in listed) == sorted(expected), f"tiles {[t['name'] for t in listed]}, expected {expected}")
    body = page.content()
    served = fetch_text(page, "/directory.json")
    if args.place == "wan":
        check(LAN_PREFIX not in body, "the page an internet viewer gets holds a LAN address")
        check(LAN_PREFIX not in served and "internal_" not in served, f"/directory.json from the internet holds LAN addresses: {served}")
        # Every camera's /state as the internet reads it (it allows any origin).
        for tile in (t for t in listed if t["url"]):
            state = fetch_text(page, tile["url"] + "state")
            check('"name"' in state, f"{tile['url']}state did not answer: {state[:200]}")
            check(LAN_PREFIX not in state and "internal_" not in state, f"{tile['url']}state from the internet holds LAN addresses: {state}")
        check(all(t["href"].startswith(args.directory.rstrip("/").rsplit(":", 1)[0] + ":") for t in listed),
              f"internet links not at the external address: {[t['href'] for t in listed]}")
    else:
        check(all(t["href"].startswith("http://" + LAN_PREFIX) for t in listed), f"LAN links not at LAN addresses: {[t['href'] for t in listed]}")
        check(LAN_PREFIX in served, "the LAN's /directory.json has no LAN address")
        state = fetch_text(page, "/state")
        check('"internal_address"' in state, "the LAN's /state lacks the mapping's internal_address (bring-up scripts read it)")
    return listed


def camera_checks(context, listed, place):
    page = context.new_page()
    for tile in listed:
        goto(page, tile["href"])
        name = page.locator("h1#name").inner_text()
        check(name == tile["name"], f"the link of {tile['name']} ({tile['href']}) opened {name}")
        wait_for(f"{name}'s picture", 10, lambda: page.evaluate("() => document.getElementById('live').naturalWidth > 0"))
        before = picture(page)
        time.sleep(2)
        after = picture(page)
        check(before != after, f"{name}'s picture did not change over 2 s")
        print(f"{place}: {name} opened from its tile, picture changes")
    page.close()


def without_javascript(browser, args, expected):
    """The same pages with JavaScript off: thumbnails load, links work, the stream plays."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    goto(page, args.directory)
    listed, _ = wait_for("every thumbnail loaded without JavaScript", 10, lambda: (
        lambda ts: ts if ts and all(t["width"] > 0 for t in ts) else None)(tiles(page)))
    check(sorted(t["name"] for t in listed) == sorted(expected), f"tiles without JavaScript: {[t['name'] for t in listed]}")
    page.click(f'.tile[data-name="{listed[-1]["name"]}"] a.name')
    page.wait_for_load_state("domcontentloaded")
    check(page.locator("h1#name").inner_text() == listed[-1]["name"], "without JavaScript the link opened another camera")
    wait_for("the stream plays without JavaScript", 10, lambda: page.evaluate("() => document.getElementById('live').naturalWidth > 0"))
    before = picture(page)
    time.sleep(2)
    check(picture(page) != before, "without JavaScript the stream's picture did not change over 2 s")
    print(f"{args.place}: without JavaScript: thumbnails, links and the stream work")
    context.close()


EVIL = "http://evil.example"


def admin_checks(context, args):
    """Login, rename in the settings panel, the new name on the directory, a cross-site
    POST refused, from the LAN; from the internet, administration refused by default."""
    page = context.new_page()
    if args.place == "wan":
        answer = goto(page, args.camera.rstrip("/") + "/login")
        text = page.content()
        check(answer.status == 403, f"/login from the internet answered {answer.status}, not 403")
        check('admin_from = "anywhere"' in text.replace("&quot;", '"'), "the refusal does not say how to allow administration")
        print("wan: administration refused from the internet, with how to allow it")
        page.close()
        return
    camera = args.camera.rstrip("/") + "/camera"
    goto(page, camera)
    original = page.locator("h1#name").inner_text()
    page.evaluate("() => { document.getElementById('settings').open = true; }")
    page.click("#settings a.button:has-text('Log in')")
    page.wait_for_load_state("domcontentloaded")
    page.fill("input[name=password]", "wrong-" + args.admin_password)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_load_state("domcontentloaded")
    check("Wrong password" in page.content(), "a wrong password was not refused on the login page")
    page.fill("input[name=password]", args.admin_password)
    start = time.monotonic()
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_load_state("domcontentloaded")
    check(page.url.endswith("/camera"), f"after the login the browser is at {page.url}, not the camera page")
    check(any(c["name"] == "portico_session" and c["httpOnly"] and c["sameSite"] == "Strict" for c in context.cookies()),
          f"no HttpOnly, SameSite=Strict session cookie: {context.cookies()}")
    print(f"lan: logged in on {camera} in {time.monotonic() - start:.2f} s")
    renamed = original + "x"
    page.evaluate("() => { document.getElementById('settings').open = true; }")
    check(page.locator("#settings button:has-text('Log out')").count() == 1, "the settings panel does not say the admin is logged in")
    page.fill("#settings input[name=name]", renamed)
    page.click("#settings button:has-text('Rename')")
    page.wait_for_load_state("domcontentloaded")
    check(page.locator("h1#name").inner_text() == renamed, f"the camera page shows {page.locator('h1#name').inner_text()} after the rename")
    directory = context.new_page()
    goto(directory, args.directory)
    start = time.monotonic()
    wait_for(f"{renamed} on the representative's page", 5, lambda: any(t["name"] == renamed for t in tiles(directory)))
    print(f"lan: renamed {original} to {renamed} in the settings panel; on the directory page {time.monotonic() - start:.2f} s later")
    directory.close()
    # Another site's page, in the same browser that holds the admin's session, posts a
    # form and a text/plain body to the camera: neither may change anything.
    evil = context.new_page()
    evil.route(EVIL + "/**", lambda route: route.fulfill(status=200, content_type="text/html", body=f"""
        <form id="f" method="post" action="{args.camera.rstrip('/')}/api/name"><input name="name" value="hacked"></form>
        <script>fetch("{args.camera.rstrip('/')}/api/name", {{method: "POST", mode: "no-cors", credentials: "include",
            headers: {{"Content-Type": "text/plain"}}, body: '{{"name": "hacked2"}}'}});</script>"""))
    goto(evil, EVIL + "/")
    time.sleep(0.5)
    with evil.expect_navigation():
        evil.evaluate("() => document.getElementById('f').submit()")
    status = evil.evaluate("() => document.body.innerText")
    evil.close()
    goto(page, camera)
    check(page.locator("h1#name").inner_text() == renamed, f"a cross-site POST renamed the camera to {page.locator('h1#name').inner_text()}")
    print(f"lan: a cross-site form and a cross-site text/plain POST changed nothing ({status.strip()[:60]!r})")
    page.evaluate("() => { document.getElementById('settings').open = true; }")
    page.fill("#settings input[name=name]", original)
    page.click("#settings button:has-text('Rename')")
    page.wait_for_load_state("domcontentloaded")
    check(page.locator("h1#name").inner_text() == original, "the name could not be set back")
    page.close()


def opened(page, url):
    """True once `url` has loaded: a site that has just settled may refuse for a moment."""
    try:
        goto(page, url)
        return True
    except Exception:
        return False


def failover(context, args, expected, remaining):
    """SIGTERM to the representative with its directory open. From `wan` a camera page at
    the fixed port is open too: the address stays, the camera behind it changes, and its
    stream must resume. From the LAN the representative's address is dead for good: the
    directory page must follow the new representative elsewhere."""
    directory = context.new_page()
    wait_for(f"{args.directory} opens", 10, lambda: opened(directory, args.directory), interval=0.5)
    before_tiles = wait_for("directory tiles", 10, lambda: tiles(directory))[0]
    camera = None
    if args.place == "wan":
        camera = context.new_page()
        wait_for("the camera page opens", 10, lambda: opened(camera, args.directory.rstrip("/") + "/camera"), interval=0.5)
        wait_for("the camera page plays", 10, lambda: frames_shown(camera) > 3)
        before = camera.locator("h1#name").inner_text()
    os.kill(args.kill_pid, signal.SIGTERM)
    start = time.monotonic()

    def current():
        shown = tiles(directory)
        alive = sorted(t["name"] for t in shown if not t["gone"])
        return alive == sorted(remaining) and all(t["width"] > 0 for t in shown if not t["gone"])
    wait_for(f"the directory shows {remaining}", 10, current)
    took = time.monotonic() - start
    count = directory.locator("#count").inner_text()
    print(f"{args.place}: SIGTERM to the representative -> directory shows {remaining} in {took:.2f} s (count {count})")
    check(took <= 3.0, f"the directory took {took:.2f} s (> 3 s) to show the remaining cameras")
    check(count == f"({len(remaining)})", f"count shows {count}")
    gone = [t["name"] for t in tiles(directory) if t["gone"]]
    check(sorted(gone) == sorted(set(expected) - set(remaining)), f"gone tiles {gone}")
    if camera is not None:
        frames = frames_shown(camera)
        _, resumed = wait_for("the camera page's stream resumes", 20, lambda: frames_shown(camera) >= frames + 5)
        first = picture(camera)
        time.sleep(2)
        check(picture(camera) != first, "the resumed stream's picture does not change")
        after = camera.locator("h1#name").inner_text()
        back = camera.locator("#back").get_attribute("href")
        check(back == "/", f"the new representative's camera page links back to {back}, not to its own directory")
        print(f"{args.place}: camera page at {args.directory}camera resumed {resumed:.2f} s later, now {after} (was {before})")
        camera.close()
        # Links handed out before the failover stay valid: each remaining camera still
        # answers at its old address, the new representative at its old port too.
        for tile in before_tiles:
            if tile["name"] not in remaining:
                continue
            page = context.new_page()
            # Its camera page: at the old port the new representative serves the directory.
            old = tile["href"] if tile["href"].rstrip("/").endswith("/camera") else tile["href"].rstrip("/") + "/camera"
            wait_for(f"{tile['name']}'s old address {old} opens", 10, lambda: opened(page, old), interval=0.5)
            shown = page.locator("h1#name").inner_text()
            check(shown == tile["name"], f"after the failover the old address {old} opens {shown}, not {tile['name']}")
            page.close()
        print(f"{args.place}: every remaining camera still answers at its old address: {[t['href'] for t in before_tiles if t['name'] in remaining]}")
    else:
        # Its links still open the cameras that remain.
        for tile in tiles(directory):
            if tile["gone"]:
                continue
            page = context.new_page()
            wait_for(f"{tile['name']} opens", 10, lambda: opened(page, tile["href"]), interval=0.5)
            check(page.locator("h1#name").inner_text() == tile["name"], f"after the failover {tile['href']} is not {tile['name']}")
            page.close()
    directory.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--place", choices=["lan", "wan"], required=True)
    parser.add_argument("--directory", required=True)
    parser.add_argument("--expect", required=True)
    parser.add_argument("--shots", required=True)
    parser.add_argument("--kill-pid", type=int)
    parser.add_argument("--remaining")
    parser.add_argument("--failover-only", action="store_true", help="only the SIGTERM check (repeated runs)")
    parser.add_argument("--admin-password", help="the cameras' admin password: the admin checks run")
    parser.add_argument("--camera", help="the camera whose settings the admin checks use (its page's address)")
    args = parser.parse_args()
    expected = args.expect.split(",")
    os.makedirs(args.shots, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            desktop = browser.new_context(viewport={"width": 1280, "height": 900})
            if args.failover_only:
                failover(desktop, args, expected, args.remaining.split(","))
                return
            phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True, has_touch=True)
            page = desktop.new_page()
            listed = directory_checks(page, args, expected)
            page.screenshot(path=f"{args.shots}/{args.place}-desktop-directory.png")
            small = phone.new_page()
            directory_checks(small, args, expected)
            layout_fits(small, "directory")
            small.screenshot(path=f"{args.shots}/{args.place}-phone-directory.png", full_page=True)
            camera_checks(desktop, listed, args.place)
            representative = next(t for t in listed if "representative" in page.locator(f'.tile[data-name="{t["name"]}"] .note').inner_text())
            for context, size in ((desktop, "desktop"), (phone, "phone")):
                shot = context.new_page()
                goto(shot, representative["href"])
                wait_for("the camera page plays", 10, lambda: frames_shown(shot) > 2)
                shot.evaluate("() => { document.getElementById('settings').open = true; }")
                if size == "phone":
                    layout_fits(shot, "camera page")
                shot.screenshot(path=f"{args.shots}/{args.place}-{size}-camera.png", full_page=True)
                shot.close()
            small.close()
            page.close()
            if args.place == "lan":
                without_javascript(browser, args, expected)
            if args.admin_password:
                admin = browser.new_context(viewport={"width": 1280, "height": 900})
                admin_checks(admin, args)
                admin.close()
            if args.kill_pid:
                failover(desktop, args, expected, args.remaining.split(","))
        finally:
            browser.close()
    print(f"{args.place}: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
