#!/usr/bin/python3
# browser.py - the review pages in a real browser (headless Chromium driven
# by Selenium), as a clinician and a front office would use them; run by
# tests/e2e/serve.sh, which made the home, its people and a case, and
# started roi serve.  Prints TAP lines; screenshots go to $SHOTS.
import json
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

URL = os.environ["ROI_URL"].rstrip("/")
HOME = os.environ["ROI_HOME_DIR"]
ROI = os.environ["ROI"]
CASE = os.environ["CASE"]            # "C-1"
CID = CASE.split("-")[1]
SHOTS = os.environ["SHOTS"]
fails = 0


def ok(cond, what, diag=""):
    global fails
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    if not cond:
        fails += 1
        if diag:
            print("# " + str(diag).replace("\n", "\n# "), flush=True)
    return cond


def show():
    out = subprocess.run([ROI, "-C", HOME, "review", "show", CASE, "--json"],
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,1000", "--no-first-run", "--disable-extensions",
              "--disable-background-networking", "--disable-sync",
              "--disable-component-update", "--disable-default-apps"):
        o.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def login(d, name, pw):
    d.get(URL + "/login")
    d.find_element(By.ID, "name").send_keys(name)
    d.find_element(By.ID, "password").send_keys(pw)
    click(d, d.find_element(By.CSS_SELECTOR, "form.login button"))


def click(d, el):
    """click and wait for the page it leads to"""
    el.click()
    WebDriverWait(d, 20).until(EC.staleness_of(el))
    WebDriverWait(d, 20).until(lambda x: x.execute_script("return document.readyState")
                               == "complete")


def forge(d, action, fields):
    """submit a form the page did not offer, as a hostile page would"""
    d.execute_script("""
        var f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];
        var o = arguments[1];
        for (var k in o) { var i = document.createElement('input'); i.type = 'hidden';
            i.name = k; i.value = o[k]; f.appendChild(i); }
        document.body.appendChild(f); f.submit();""", action, fields)
    WebDriverWait(d, 20).until(lambda x: x.execute_script(
        "return document.readyState") == "complete" and x.current_url.endswith(action))


def body(d):
    return d.find_element(By.TAG_NAME, "body").text


d = browser()
try:
    # no page, no picture without a session
    d.get(URL + "/queue")
    ok(d.current_url.endswith("/login") and d.find_elements(By.ID, "password"),
       "no session: the queue sends to the sign-in page", d.current_url)
    d.get(URL + "/case/" + CID)
    ok(d.current_url.endswith("/login"), "no session: a case sends to the sign-in page")
    first = show()["records"][0]["doc"]
    d.get("%s/img/%s/%s/1" % (URL, CID, first))
    ok("Sign in first" in body(d) and not d.find_elements(By.CSS_SELECTOR, "img"),
       "no session: no page picture")

    # lock-out: five wrong passwords, then even the right one is refused
    for i in range(5):
        login(d, "eve", "not her password")
    ok("locked" in body(d), "five wrong passwords: the account is locked", body(d)[:300])
    login(d, "eve", os.environ["EVE_PW"])
    ok("locked" in body(d) and not d.current_url.endswith("/queue"),
       "locked: the right password is refused too")

    # a wrong password says nothing about whether the name exists
    login(d, "nobody-here", "whatever whatever")
    a = body(d)
    login(d, "alice", "wrong password!")
    ok("wrong name or password" in a and "wrong name or password" in body(d),
       "an unknown name and a wrong password read the same")

    # sign in as the reviewer: the queue
    login(d, "alice", os.environ["ALICE_PW"])
    ok(d.current_url.endswith("/queue"), "sign in: the queue", d.current_url)
    rows = d.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
    ok(len(rows) >= 1 and CASE in rows[0].text, "the queue lists the case",
       [r.text for r in rows])
    ok("J.S." in rows[0].text and "P001" in rows[0].text, "... with the patient's initials and id",
       rows[0].text)
    d.save_screenshot(os.path.join(SHOTS, "queue.png"))
    cookies = {c["name"]: c for c in d.get_cookies()}
    c = cookies.get("roi_session", {})
    ok(c.get("httpOnly") and c.get("sameSite") == "Strict", "the session cookie is HttpOnly and"
       " SameSite=Strict", c)

    # the case: pictures with numbered boxes, and the list beside them
    click(d, d.find_element(By.LINK_TEXT, CASE))
    ok(d.find_element(By.TAG_NAME, "h1").text == "Case " + CASE, "the case page")
    imgs = d.find_elements(By.CSS_SELECTOR, ".sheet img")
    d.execute_script("arguments[0].scrollIntoView()", imgs[0])
    time.sleep(1.5)
    w = d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", imgs[0])
    ok(w and w > 500, "the first page is drawn (%s px wide)" % w)
    d.set_window_size(1400, 1600)
    d.execute_script("window.scrollTo(0, 0)")
    time.sleep(1)
    d.save_screenshot(os.path.join(SHOTS, "case.png"))
    d.set_window_size(1400, 1000)
    j = show()
    props = [p for p in j["proposals"] if p["page"] > 0]
    boxes = d.find_elements(By.CSS_SELECTOR, ".box.proposed")
    ok(len(props) > 0 and len(boxes) >= len(props),
       "every proposal is boxed on its page (%d proposals, %d boxes)" % (len(props), len(boxes)))
    r0 = d.execute_script("var b = document.querySelector('.box.proposed').getBoundingClientRect(),"
                          " s = document.querySelector('.box.proposed').closest('.sheet')"
                          ".getBoundingClientRect(); return [b.width, b.height, b.left - s.left,"
                          " b.top - s.top, s.width, s.height]")
    ok(r0[0] > 5 and r0[1] > 5 and 0 <= r0[2] < r0[4] and 0 <= r0[3] < r0[5],
       "a box is drawn where its words are, not in a corner", r0)
    tags = {t.text for t in d.find_elements(By.CSS_SELECTOR, ".box.proposed .tag")}
    ok(tags == {str(p["id"]) for p in props}, "each proposal's number is on its box")
    pid = props[0]["id"]
    item = d.find_element(By.ID, "p%d" % pid)
    ok(props[0]["text"] in item.text and (props[0]["rule"] in item.text),
       "the list beside gives its text, reason and rule", item.text)
    # the page picture: a PNG from the spool cache, 0600
    cache = os.path.join(HOME, "spool", "pages")
    modes = {oct(os.stat(os.path.join(cache, f)).st_mode & 0o777) for f in os.listdir(cache)}
    ok(modes == {"0o600"}, "the cached pictures are 0600", modes)

    # a POST without the CSRF token is refused, and changes nothing
    forge(d, "/case/%s/keep" % CID, {"pid": str(pid), "reason": "forged"})
    ok("expired or did not come" in body(d), "a POST without the CSRF token: refused", body(d)[:200])
    ok(any(p["id"] == pid for p in show()["proposals"]), "... and the proposal is untouched")
    forge(d, "/case/%s/keep" % CID, {"pid": str(pid), "reason": "forged", "csrf": "0" * 64})
    ok("expired or did not come" in body(d), "a POST with a wrong CSRF token: refused")

    # keep a proposal, then restore it
    d.get(URL + "/case/" + CID)
    bx = d.find_element(By.CSS_SELECTOR, '.box.proposed[data-p="%d"]' % pid)
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", bx)
    d.execute_script("arguments[0].click()", bx)
    item = d.find_element(By.ID, "p%d" % pid)
    ok("sel" in item.get_attribute("class"), "clicking a box picks its proposal in the list")
    item.find_element(By.NAME, "reason").send_keys("the recipient treats this condition")
    click(d, item.find_element(By.NAME, "keep"))
    ok("Proposal #%d kept" % pid in body(d), "keep: said on the page")
    kept = [k for k in show()["kept"] if k["id"] == pid]
    ok(kept and kept[0]["by"] == "alice" and kept[0]["reason"] ==
       "the recipient treats this condition", "keep: recorded as alice's, with her reason", kept)
    ok(d.find_elements(By.CSS_SELECTOR, '.box.kept[data-p="%d"]' % pid),
       "keep: its box now shows it goes out")
    d.set_window_size(1400, 1700)
    d.execute_script("document.getElementById(arguments[0]).scrollIntoView();"
                     " window.scrollBy(0, -250)", "p%d" % pid)
    time.sleep(1)
    d.save_screenshot(os.path.join(SHOTS, "case-kept.png"))
    d.set_window_size(1400, 1000)
    click(d, d.find_element(By.ID, "p%d" % pid).find_element(By.NAME, "restore"))
    ok("Proposal #%d restored" % pid in body(d), "restore: said on the page")
    ok(any(p["id"] == pid for p in show()["proposals"]), "restore: blacked out again")
    acts = [(a["who"], a["action"]) for a in show()["actions"] if a.get("proposal") == pid]
    ok(acts == [("alice", "keep"), ("alice", "restore")], "history: keep, restore, by alice", acts)

    # withhold a whole record, then send it after all
    labs = [r["doc"] for r in show()["records"] if "labs" in r["name"]][0]
    f = d.find_element(By.CSS_SELECTOR, '#d%d form.withhold' % labs)
    f.find_element(By.NAME, "reason").send_keys("outside the dates asked for")
    click(d, f.find_element(By.NAME, "withhold"))
    ok("Document %d withheld whole" % labs in body(d), "withhold a whole record: said on the page")
    dec = [r["decision"] for r in show()["records"] if r["doc"] == labs][0]
    ok(dec and dec["action"] == "withhold" and dec["by"] == "alice",
       "withhold: recorded as alice's", dec)
    f = d.find_element(By.CSS_SELECTOR, '#d%d form[action$="/include"]' % labs)
    f.find_element(By.NAME, "reason").send_keys("asked for by phone")
    click(d, f.find_element(By.NAME, "include"))
    dec = [r["decision"] for r in show()["records"] if r["doc"] == labs][0]
    ok(dec and dec["action"] == "include" and dec["reason"] == "asked for by phone",
       "include it after all: recorded", dec)

    # drag a rectangle over a word: a redaction of that area, by alice
    import sqlite3
    db = sqlite3.connect("file:%s/roi.db?mode=ro" % HOME, uri=True)
    wx0, wy0, wx1, wy1 = db.execute("SELECT x0, y0, x1, y1 FROM words WHERE doc_id = ? AND"
                                    " pageno = 1 AND text LIKE 'Lithium%'", (labs,)).fetchone()
    db.close()
    sheet = d.find_element(By.CSS_SELECTOR, '.sheet[data-doc="%d"][data-page="1"]' % labs)
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", sheet)
    time.sleep(0.5)
    sw, sh = sheet.size["width"], sheet.size["height"]
    k = sw / float(sheet.get_attribute("data-pw"))
    # from center (Selenium 4): 3 points outside the word on every side
    ax, ay = (wx0 - 3) * k - sw / 2, (wy0 - 3) * k - sh / 2
    bx, by = (wx1 + 3) * k - sw / 2, (wy1 + 3) * k - sh / 2
    ActionChains(d).move_to_element_with_offset(sheet, int(ax), int(ay)).click_and_hold() \
        .move_to_element_with_offset(sheet, int(bx), int(by)).release().perform()
    f = d.find_element(By.CSS_SELECTOR, ".boxform")
    f.find_element(By.NAME, "reason").send_keys("lithium level: not asked for")
    d.save_screenshot(os.path.join(SHOTS, "case-drag.png"))
    click(d, f.find_element(By.NAME, "box"))
    ok("that area of page 1 is blacked out" in body(d), "drag a box: said on the page",
       body(d)[:200])
    mine = [p for p in show()["proposals"] if p["origin"] == "reviewer" and p["rule"] == "box"]
    bb = mine[0]["boxes"][0] if mine else [0, 0, 0, 0]
    ok(len(mine) == 1 and mine[0]["by"] == "alice" and "lithium level" in mine[0]["reason"] and
       bb[0] <= wx0 and bb[1] <= wy0 and bb[2] >= wx1 and bb[3] >= wy1 and
       bb[2] - bb[0] < (wx1 - wx0) + 20, "drag a box: alice's redaction covers the word, in points",
       (mine, (wx0, wy0, wx1, wy1)))

    # words to black out everywhere, typed as OCR misread them: found anyway
    f = d.find_element(By.ID, "words")
    f.find_element(By.NAME, "words").send_keys("Quinn Sampletcn")
    click(d, f.find_element(By.NAME, "text"))
    ok("blacked out" in body(d), "words everywhere: said on the page", body(d)[:200])
    mine = [p for p in show()["proposals"] if p["origin"] == "reviewer" and p["rule"] == "text"]
    ok(len(mine) >= 2 and len({p["doc"] for p in mine}) == 2 and
       all(p["text"].startswith("Quinn Sampleton") and p["by"] == "alice" for p in mine),
       "a misread word still finds every place the words are, in both records", mine)

    # sign out: the session is gone
    click(d, d.find_element(By.CSS_SELECTOR, "header form button"))
    d.get(URL + "/case/" + CID)
    ok(d.current_url.endswith("/login"), "signed out: the case is closed to the browser")

    # staff read, but cannot approve, not even with a forged form
    login(d, "bob", os.environ["BOB_PW"])
    d.get(URL + "/case/" + CID)
    ok(not d.find_elements(By.ID, "approve") and not d.find_elements(By.NAME, "keep"),
       "staff: no approve or keep buttons")
    tok = d.find_element(By.CSS_SELECTOR, "header input[name=csrf]").get_attribute("value")
    forge(d, "/case/%s/approve" % CID, {"csrf": tok})
    ok("Only a reviewer" in body(d), "staff: a forged approve is refused", body(d)[:200])
    forge(d, "/case/%s/keep" % CID, {"csrf": tok, "pid": str(pid), "reason": "x"})
    ok("Only a reviewer" in body(d), "staff: a forged keep is refused")
    ok(show()["review"] == "pending", "... and the case is still pending")
    d.get(URL + "/queue")
    click(d, d.find_element(By.CSS_SELECTOR, "header form button"))

    # approve as the reviewer
    login(d, "alice", os.environ["ALICE_PW"])
    d.get(URL + "/case/" + CID)
    click(d, d.find_element(By.CSS_SELECTOR, "#approve button"))
    ok("approved by alice" in body(d), "approve: said on the page", body(d)[:300])
    j = show()
    ok(j["review"] == "approved" and j["decided_by"] == "alice", "approve: the case is approved"
       " by alice", (j["review"], j.get("decided_by")))
    ok(not d.find_elements(By.ID, "approve"), "approved: no approve button any more")
except Exception as e:
    ok(False, "the browser test ran to its end", "%s: %s" % (type(e).__name__,
       str(e).splitlines()[0] if str(e) else ""))
finally:
    d.quit()
sys.exit(1 if fails else 0)
