#!/usr/bin/env python3
"""The pages in a real headless Chromium (Debian's), driven over the DevTools protocol through
--remote-debugging-pipe: a person signs in with the form, opens each page, and uploads a sheet
with errors through the file input. For each page: a screenshot (PNG under the screens folder),
the DOM as rendered, checks of what it must show, and a check that the screenshot is not blank.
People get in as they would: the first administrator's invitation is read from the SMTP sink's
folder, its link opened, a password chosen, the second factor enrolled with a TOTP code computed
here (RFC 6238); the administrator invites SICT's enlace on Cuentas, whose invitation is followed
the same way; later sign-ins give the password and, for the administrator, a fresh code. Last, a
participant asks for their link on /mis-constancias, follows it from the mail and fetches a PDF.

    check.py URL SCREENS_DIR MAIL_DIR ADMIN_EMAIL BAD_SHEET

Only the standard library: the pipe carries JSON messages ended by a NUL byte.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import zlib

# The demo's enlace is SICT's; another counted member agency must never appear on its pages.
SICT = "Secretaría de Infraestructura, Comunicaciones y Transportes"
OTHER = "Secretaría de Gobernación"
# A participant of the demo who passed SICT-BAS-2024-01, with the e-mail SICT registered for him.
PARTICIPANT_CURP, PARTICIPANT_EMAIL = "GOMC820101HDFMRR04", "carlos.gomez@sct.gob.mx"
CURP = re.compile(r"\b[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX][A-Z]{5}[0-9A-Z]\d\b")


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="capacita-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4 (kept open: close_fds would
        # close them after the dup2).
        def fds():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)
            # dup2 onto itself keeps close-on-exec: clear it on both.
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)
        flags = []
        # scripts/deploy-check's self-signed certificate, by its public key's hash: that one only.
        if os.environ.get("CAPACITA_BROWSER_SPKI"):
            flags.append("--ignore-certificate-errors-spki-list=" + os.environ["CAPACITA_BROWSER_SPKI"])
        self.process = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", "--disable-extensions", "--hide-scrollbars", "--lang=es-MX",
             f"--user-data-dir={self.profile}", *flags, "about:blank"],
            preexec_fn=fds, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.page("Page.enable")
        self.page("Runtime.enable")

    def send(self, method, params, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        return self.next_id

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, session=None, **params):
        wanted = self.send(method, params, session)
        while True:
            message = self.read()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def page(self, method, **params):
        return self.call(method, self.session, **params)

    def wait_load(self):
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == "Page.loadEventFired":
                    del self.events[: index + 1]
                    return
            self.events.append(self.read())

    def go(self, url):
        self.events.clear()
        self.page("Page.navigate", url=url)
        self.wait_load()

    def evaluate(self, expression):
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def submit(self, expression):
        """Runs `expression` (which submits a form) and waits for the next page."""
        self.events.clear()
        self.evaluate(expression)
        self.wait_load()

    def width(self, pixels, height=900):
        self.page("Emulation.setDeviceMetricsOverride", width=pixels, height=height, deviceScaleFactor=1,
                  mobile=pixels < 600)

    def screenshot(self, path):
        import base64
        data = base64.b64decode(self.page("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"])
        with open(path, "wb") as out:
            out.write(data)
        return data

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        self.process.wait(timeout=10)
        subprocess.run(["rm", "-rf", self.profile])


def colours(png):
    """Distinct colours of an 8-bit RGB or RGBA PNG (what Chromium writes), sampled on a grid."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat, width, height, kind = 8, b"", 0, 0, 0
    while offset < len(png):
        length, name = struct.unpack(">I4s", png[offset:offset + 8])
        body = png[offset + 8:offset + 8 + length]
        if name == b"IHDR":
            width, height, depth, kind = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and kind in (2, 6), f"PNG depth {depth} colour type {kind}"
        elif name == b"IDAT":
            idat += body
        offset += 12 + length
    channels = 4 if kind == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    seen = set()
    for row in range(height):
        start = row * (stride + 1)
        kind_of_filter, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind_of_filter == 1:
                line[i] = (line[i] + left) & 255
            elif kind_of_filter == 2:
                line[i] = (line[i] + up) & 255
            elif kind_of_filter == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind_of_filter == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        if row % 3 == 0:
            for x in range(0, width, 3):
                seen.add(bytes(line[x * channels:x * channels + 3]))
        previous = line
    return len(seen), width, height


class Check:
    def __init__(self, browser, screens):
        self.browser = browser
        self.screens = screens
        self.failures = []

    def page(self, name, must=(), must_not=(), no_curp=False):
        dom = self.browser.evaluate("document.documentElement.outerHTML")
        with open(os.path.join(self.screens, f"{name}.html"), "w") as out:
            out.write(dom)
        png = self.browser.screenshot(os.path.join(self.screens, f"{name}.png"))
        count, width, height = colours(png)
        problems = [f"missing «{text}»" for text in must if text not in dom]
        problems += [f"shows «{text}»" for text in must_not if text in dom]
        if no_curp and CURP.search(dom):
            problems.append(f"a whole CURP: {CURP.search(dom).group(0)[:4]}…")
        # A blank or broken page is one or two colours; a page with text, bars and a header has many.
        if count < 8:
            problems.append(f"screenshot nearly blank ({count} colours)")
        status = "ok" if not problems else "FAILED: " + "; ".join(problems)
        print(f"browser-check: {name}: {width}×{height}, {count} colours, {status}")
        if problems:
            self.failures.append(name)
        return dom


def totp(key, at=None):
    """RFC 6238: HMAC-SHA1 over 30-second steps, six digits; `key` as the page shows it (base32)."""
    key = key.replace(" ", "").upper()
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    counter = struct.pack(">Q", int((time.time() if at is None else at) // 30))
    mac = hmac.new(secret, counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


assert totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at=59) == "287082"  # RFC 6238, appendix B


class Mailbox:
    """The SMTP sink's folder: one NNNNNN.json per message, written whole before the server said 250."""

    def __init__(self, folder):
        self.folder = folder
        self.read = set()

    def wait(self, recipient, seconds=90):
        deadline = time.time() + seconds
        while time.time() < deadline:
            for name in sorted(os.listdir(self.folder)):
                if not name.endswith(".json") or name in self.read:
                    continue
                with open(os.path.join(self.folder, name), encoding="utf-8") as handle:
                    message = json.load(handle)
                if recipient in message["recipients"]:
                    self.read.add(name)
                    return message
            time.sleep(0.2)
        raise RuntimeError(f"no message to {recipient} within {seconds} s")


def invitation_link(message):
    """The invitation's link, from the plain text; the message is checked as a person's mail."""
    problems = []
    if message["defects"] or message["bare_lf"] or message["long_lines"]:
        problems.append("a malformed message")
    if not message["html"] or not message["text"]:
        problems.append("no text and HTML parts")
    if CURP.search(message["text"] or "") or CURP.search(message["html"] or ""):
        problems.append("a CURP in the message")
    link = re.search(r"https?://\S+/invitacion\?t=[A-Za-z0-9_-]+", message["text"] or "")
    if not link:
        problems.append("no invitation link")
    if problems:
        raise RuntimeError("invitation to " + ", ".join(message["recipients"]) + ": " + "; ".join(problems))
    return link.group(0)


def fill(browser, fields, submit_id):
    """Sets the form's fields (by element id) and submits the form of `submit_id`."""
    script = "".join(f"document.getElementById({json.dumps(k)}).value = {json.dumps(v)};" for k, v in fields.items())
    browser.submit(script + f"document.getElementById({json.dumps(submit_id)}).form.submit()")


def accept(browser, check, link, name, password, screen):
    browser.go(link)
    check.page(screen, must=["Contraseña", "confirmation"])
    fill(browser, {"name": name, "password": password, "confirmation": password}, "password")
    check.page(screen + "-hecha", must=["Cuenta activada"])


def sign_in(browser, base, email, password, key=None):
    browser.go(base + "/entrar")
    fill(browser, {"email": email, "password": password}, "email")
    if key is not None:
        if "/entrar/codigo" not in browser.evaluate("location.pathname"):
            raise RuntimeError(f"{email}: no code asked after the password")
        # A code opens one session: the enrollment's was this step's, so the check gives the next
        # step's code, which the service takes (it allows one step of clock drift either way).
        fill(browser, {"code": totp(key, at=time.time() + 30)}, "code")
        if browser.evaluate("location.pathname") != "/":
            raise RuntimeError(f"{email}: the code was refused")


def sign_out(browser):
    browser.submit("document.querySelector('form.salir').submit()")


def participant(browser, check, base, mailbox):
    """A participant of the demo reaches their constancias through the e-mailed link; a pair that
    matches no one gets the same page (issue #30)."""
    browser.go(base + "/")
    sign_out(browser)
    answers = []
    for curp, email in [(PARTICIPANT_CURP, "nadie@sct.gob.mx"), (PARTICIPANT_CURP, PARTICIPANT_EMAIL)]:
        browser.go(base + "/mis-constancias")
        check.page("mis-constancias", must=["CURP", "correo"])
        fill(browser, {"curp": curp, "email": email}, "curp")
        answers.append(check.page("mis-constancias-enviado", must=["le enviamos a ese correo un enlace"], no_curp=True))
    # The same page but for the form's fresh CSRF token.
    same = [re.sub(r'name="csrf" value="[^"]*"', "", dom) for dom in answers]
    if same[0] != same[1]:
        check.failures.append("mis-constancias (a wrong pair is answered differently)")
    message = mailbox.wait(PARTICIPANT_EMAIL)
    link = re.search(r"https?://\S+/mis-constancias/entrar\?t=[A-Za-z0-9_-]+", message["text"] or "")
    if not link or CURP.search((message["text"] or "") + (message["html"] or "")):
        check.failures.append("mis-constancias (no link, or a CURP, in the message)")
        return
    browser.go(link.group(0))
    check.page("mis-constancias-entrar", must=["Ver mis constancias"], no_curp=True)
    browser.submit("document.querySelector('form.formulario').submit()")
    dom = check.page("mis-constancias-pagina", must=["Constancias", "SICT-BAS-2024-01", "Descargar el PDF",
                                                     "Sus solicitudes sobre sus datos"], no_curp=True)
    pdf = re.search(r'href="(/mis-constancias/constancias/[^"]+\.pdf)"', dom)
    fetched = browser.evaluate(
        f"fetch({json.dumps(pdf.group(1))}).then(r => r.status + ' ' + r.headers.get('content-type'))"
        if pdf else "'none'")
    if fetched != "200 application/pdf":
        check.failures.append(f"mis-constancias-pagina (the constancia's PDF: {fetched})")


def main():
    base, screens, mail_dir, admin_email, bad_sheet = sys.argv[1:6]
    os.makedirs(screens, exist_ok=True)
    mailbox = Mailbox(mail_dir)
    browser = Browser()
    check = Check(browser, screens)
    admin_password = "una frase larga de la titular"
    enlace_email, enlace_password = "enlace.capacitacion@sct.gob.mx", "otra frase larga del enlace"
    try:
        browser.width(1280)
        # The first administrator: the invitation `capacita user create` queued, sent by the service.
        accept(browser, check, invitation_link(mailbox.wait(admin_email)), "Titular de la Secretaría Técnica",
               admin_password, "invitacion")
        browser.go(base + "/entrar")
        check.page("entrar", must=["Correo", "Contraseña", "¿Olvidó su contraseña?"], must_not=['name="token"'])
        fill(browser, {"email": admin_email, "password": admin_password}, "email")
        # An administrator must enroll a second factor before anything else.
        dom = check.page("dos-pasos", must=["<svg", 'class="clave"'])
        key = re.search(r'<code class="clave">([^<]+)</code>', dom)
        if not key:
            raise RuntimeError("dos-pasos: no key shown as text")
        key = key.group(1)
        fill(browser, {"code": totp(key)}, "code")
        dom = check.page("recuperacion", must=["códigos"])
        if len(re.findall(r"<li><code>", dom)) != 10:
            check.failures.append("recuperacion (not ten recovery codes)")
        # Signing in again: the password, then a code computed now.
        browser.go(base + "/")
        sign_out(browser)
        sign_in(browser, base, admin_email, admin_password, key=key)
        # The administrator invites SICT's enlace on Cuentas; the service mails the invitation.
        browser.go(base + "/cuentas")
        check.page("cuentas", must=["Cuentas", admin_email])
        browser.evaluate("document.getElementById('role').value = 'enlace'")
        fill(browser, {"email": enlace_email, "name": "Enlace de capacitación SICT", "agency": "SICT"}, "agency")
        check.page("cuentas-invitacion", must=["Invitación enviada a " + enlace_email])
        # The demo's data is of 2024: the year the pages are read in.
        browser.go(base + "/?year=2024")
        check.page("admin-inicio", must=["Secretaría Técnica", "PII% = (", "Instancias contadas", "<svg"])
        browser.go(base + "/parametro?year=2024")
        check.page("parametro", must=["PII% = (NII/TII) × 100", "PII% = (", "Meta 2024", "Sensibilidad", "<svg"])
        browser.go(base + "/cobertura?year=2024")
        check.page("cobertura", must=[SICT, OTHER, "Descargar esta tabla"])
        browser.go(base + "/eventos?year=2024")
        check.page("eventos", must=["<td>SICT</td>", "<td>SEGOB</td>", "Descargar esta tabla"])
        browser.go(base + "/fichas?year=2024")
        check.page("fichas", must=["Resumen nacional", "Quién contestó"])
        sign_out(browser)

        accept(browser, check, invitation_link(mailbox.wait(enlace_email)), "Enlace de capacitación SICT",
               enlace_password, "invitacion-enlace")
        sign_in(browser, base, enlace_email, enlace_password)
        browser.go(base + "/?year=2024")
        check.page("enlace-inicio", must=[SICT, "Hacia el umbral"], must_not=[OTHER], no_curp=True)
        # Usable at 360 px: the page itself does not scroll sideways (wide tables scroll in their box).
        browser.width(360, 740)
        browser.go(base + "/?year=2024")
        wide = browser.evaluate("document.documentElement.scrollWidth")
        check.page("enlace-inicio-360", must=["Hacia el umbral"])
        if wide > 360:
            print(f"browser-check: enlace-inicio-360: the page is {wide} px wide at 360 px: FAILED")
            check.failures.append("enlace-inicio-360")
        browser.width(1280)
        browser.go(base + "/sesiones")
        check.page("sesiones", must=["Mis sesiones", "esta sesión"])
        browser.go(base + "/tokens")
        check.page("tokens", must=["Tokens de acceso", "Crear token"])
        browser.go(base + "/subir/inscripcion")
        document = browser.page("DOM.getDocument")["root"]["nodeId"]
        node = browser.page("DOM.querySelector", nodeId=document, selector="#archivo")["nodeId"]
        browser.page("DOM.setFileInputFiles", nodeId=node, files=[os.path.abspath(bad_sheet)])
        browser.submit("document.querySelector('form.formulario').submit()")
        check.page("vista-previa-errores",
                   must=["No se puede importar", "Filas de la hoja", '<strong class="filas">3</strong>',
                         '<strong class="filas">9</strong>', "Descargar las filas rechazadas"], no_curp=True)
        browser.go(base + "/grupos/SICT-BAS-2024-01")
        dom = check.page("grupo", must=["Grupo SICT-BAS-2024-01", "Constancias", "/verificar/",
                                        "/grupos/SICT-BAS-2024-01/asistencia", "lista.pdf"],
                         must_not=[OTHER], no_curp=True)
        # The attendance register without JavaScript: a cell's <select> is chosen as a person
        # would, and the form is posted by the browser itself.
        browser.go(base + "/grupos/SICT-BAS-2024-01/asistencia")
        check.page("asistencia", must=["Registro de asistencia", "Guardar el registro", "<select",
                                       "María López Peña", "60.00 %"], must_not=[OTHER], no_curp=True)
        chosen = browser.evaluate(
            "(() => { const s = [...document.querySelectorAll('select')].find(s =>"
            " s.getAttribute('aria-label') === 'María López Peña, 5 de marzo de 2024');"
            " if (!s) return false;"
            " const o = [...s.options].find(o => o.text === 'Asistió'); if (!o) return false;"
            " s.value = o.value; return true; })()")
        if chosen is not True:
            check.failures.append("asistencia (no cell for María López on 5 March)")
        browser.submit("document.querySelector('form[action$=\"/asistencia\"]').submit()")
        check.page("asistencia-guardada", must=["Registro guardado", "1 cambiada", "80.00 %"],
                   must_not=[OTHER, "No se guardó nada"], no_curp=True)
        code = re.search(r'href="/verificar/([^"]+)"', dom)
        if code:
            browser.go(base + "/verificar/" + code.group(1))
            check.page("verificar", must=["Constancia válida", "PNC-"], no_curp=True)
        else:
            check.failures.append("verificar (no verification link on the group page)")
        participant(browser, check, base, mailbox)
    finally:
        browser.close()
    if check.failures:
        print("browser-check: failed: " + ", ".join(check.failures))
        sys.exit(1)
    print(f"browser-check: all pages passed; screenshots in {screens}")


if __name__ == "__main__":
    main()
