// The three browser engines the widget is tested in, driven over W3C WebDriver with
// selenium-webdriver (tools/package.json), each through its own driver from Debian or
// crates.io: Chromium (chromedriver), Firefox ESR (geckodriver, passed by GECKODRIVER) and
// WebKitGTK, the engine of Safari (WebKitWebDriver, under Xvfb). Nothing is downloaded:
// the driver is started here and selenium only talks to it (`usingServer`), so its
// Selenium Manager never runs.
//
// `startEngine(name, { language })` starts a driver and one browser session in the given
// language; `Page` wraps the session with the few verbs the journeys use. Selectors may
// cross shadow roots with ` >>> ` (`#v3 >>> [data-dataset-version]`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireTool } from './stack.mjs';

/** Every engine, in the order the test command runs them. */
export const ENGINES = ['chromium', 'firefox', 'webkit'];

const MINIBROWSER = [
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
].find(existsSync);

/** A free loopback port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `url` answers at all (a driver's /status); throws after `ms`. */
async function waitForServer(url, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      await fetch(url);
      return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

/**
 * An X display for WebKitGTK: the caller's DISPLAY, or an Xvfb of our own, which picks a
 * free display number and writes it once it is ready (`-displayfd`).
 */
function display() {
  if (process.env.DISPLAY) return Promise.resolve({ name: process.env.DISPLAY, stop: () => {} });
  return new Promise((resolve, reject) => {
    const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1400x1000x24', '-nolisten', 'tcp'],
      { stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      xvfb.kill();
      reject(new Error('Xvfb did not start within 10 s'));
    }, 10000);
    xvfb.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb: ${error.message} (scripts/setup installs xvfb)`));
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it was ready`)));
    let out = '';
    xvfb.stdout.on('data', (chunk) => {
      out += chunk;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve({ name: `:${out.trim()}`, stop: () => xvfb.kill() });
    });
  });
}

/** `en-US` → `en_US.UTF-8` (WebKitGTK reads its language from LANG); `C.UTF-8` stays. */
function posixLocale(language) {
  return language.includes('.') || language === 'C' ? language : `${language.replace('-', '_')}.UTF-8`;
}

/** The capabilities and driver command of each engine, for a browser in `language`. */
function engineSetup(name, language, port) {
  switch (name) {
    case 'chromium':
      return {
        command: [process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver', `--port=${port}`],
        capabilities: {
          browserName: 'chrome',
          'goog:chromeOptions': {
            binary: process.env.CHROMIUM ?? '/usr/bin/chromium',
            args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
              '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
              `--lang=${language}`, '--window-size=1280,900'],
            prefs: { 'intl.accept_languages': language },
          },
        },
      };
    case 'firefox': {
      const gecko = process.env.GECKODRIVER;
      if (!gecko) throw new Error('GECKODRIVER must name geckodriver (scripts/setup installs it)');
      return {
        command: [gecko, '--port', String(port), '--log', 'error'],
        capabilities: {
          browserName: 'firefox',
          'moz:firefoxOptions': {
            binary: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
            args: ['-headless', '-width', '1280', '-height', '900'],
            prefs: {
              'intl.accept_languages': language,
              'intl.locale.requested': language,
              // Granted, as a person would grant it when asked (notify's journey).
              'permissions.default.desktop-notification': 1,
              'datareporting.policy.dataSubmissionEnabled': false,
              'app.update.auto': false,
            },
          },
        },
      };
    }
    case 'webkit':
      if (!MINIBROWSER) throw new Error('WebKitGTK\'s MiniBrowser is missing (scripts/setup installs webkit2gtk-driver)');
      return {
        command: [process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver', `--port=${port}`],
        env: { LANG: posixLocale(language), LC_ALL: posixLocale(language), LANGUAGE: '' },
        needsDisplay: true,
        capabilities: {
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
        },
      };
    default:
      throw new Error(`unknown engine ${name}`);
  }
}

/**
 * Starts engine `name` with a browser whose language is `language` (a BCP 47 tag, or a POSIX
 * locale such as `C.UTF-8` for WebKitGTK) and resolves with a `Page` on its one window.
 */
export async function startEngine(name, { language = 'en-US' } = {}) {
  const { Builder } = requireTool('selenium-webdriver');
  const port = await freePort();
  const setup = engineSetup(name, language, port);
  const screen = setup.needsDisplay ? await display() : null;
  const env = { ...process.env, ...setup.env, ...(screen ? { DISPLAY: screen.name } : {}) };
  const driverProcess = spawn(setup.command[0], setup.command.slice(1), { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const failedToStart = new Promise((_, reject) => {
    driverProcess.once('error', (error) => reject(new Error(`${name}'s driver ${setup.command[0]}: ${error.message}`)));
    driverProcess.once('exit', (code) => reject(new Error(`${name}'s driver exited (${code}) before it answered`)));
  });
  failedToStart.catch(() => {});
  const stop = () => {
    driverProcess.kill();
    screen?.stop();
  };
  try {
    await Promise.race([waitForServer(`http://127.0.0.1:${port}/status`), failedToStart]);
    const driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(setup.capabilities).build();
    await driver.manage().setTimeouts({ script: 30000, pageLoad: 30000 });
    return new Page(name, driver, stop, `http://127.0.0.1:${port}`);
  } catch (error) {
    stop();
    throw error;
  }
}

/** In the page: the element for a selector that may cross shadow roots with ` >>> `. */
function find(selector, all = false) {
  const parts = selector.split(' >>> ');
  let scope = document;
  for (const part of parts.slice(0, -1)) {
    scope = scope.querySelector(part)?.shadowRoot;
    if (!scope) return all ? [] : null;
  }
  const last = parts[parts.length - 1];
  return all ? [...scope.querySelectorAll(last)] : scope.querySelector(last);
}
const FIND = `const find = ${find.toString()};`;

/** One browser window, with the few verbs the journeys use. */
export class Page {
  constructor(engine, driver, stop, serverUrl) {
    this.engine = engine;
    /** The driver's own address (for W3C extension commands selenium has no verb for). */
    this.serverUrl = serverUrl;
    this.driver = driver;
    this.stopDriver = stop;
  }

  async quit() {
    try {
      await this.driver.quit();
    } finally {
      this.stopDriver();
    }
  }

  goto(url) {
    return this.driver.get(url);
  }

  url() {
    return this.driver.getCurrentUrl();
  }

  /**
   * Whether the session still answers within `ms`. False after the browser's page process
   * crashed or hung: WebKitGTK then deletes the session ("session deleted because of page
   * crash or hang"), and every later command fails.
   */
  async alive(ms = 10000) {
    const timeout = sleep(ms).then(() => false);
    const answer = this.driver.getWindowHandle().then(() => true, () => false);
    return Promise.race([answer, timeout]);
  }

  /** The current URL's query parameters. */
  async search() {
    return new URL(await this.url()).searchParams;
  }

  /** Runs `fn(...args)` in the page (a promise it returns is awaited) and resolves with its value. */
  js(fn, ...args) {
    return this.driver.executeScript(`${FIND} return (${fn.toString()}).apply(null, arguments);`, ...args);
  }

  /**
   * Runs `fn(...args)` as the page's own code, from a script element, and resolves with its
   * JSON result. Unlike `js`, whose script Firefox runs in a sandbox with its own `Intl`,
   * `WebAssembly` and error reporting, this changes and throws what the page itself sees.
   */
  inPage(fn, ...args) {
    return this.js((source, argsJson) => new Promise((resolve, reject) => {
      const id = `pdm-test-${Math.random().toString(36).slice(2)}`;
      addEventListener(id, (e) => {
        const { value, thrown } = JSON.parse(e.detail);
        if (thrown) reject(new Error(thrown));
        else resolve(value);
      }, { once: true });
      const script = document.createElement('script');
      const reply = (what) => `(x) => dispatchEvent(new CustomEvent(${JSON.stringify(id)}, { detail: JSON.stringify(${what}) }))`;
      script.textContent = `Promise.resolve().then(() => (${source}).apply(null, ${argsJson}))
        .then(${reply('{ value: x ?? null }')}, ${reply('{ thrown: String(x) }')});`;
      document.head.append(script);
      script.remove();
    }), fn.toString(), JSON.stringify(args));
  }

  /** Polls `check()` (async, in Node) until it returns a truthy value; throws after `ms`. */
  async until(what, check, ms = 20000) {
    const end = Date.now() + ms;
    let last;
    while (Date.now() < end) {
      try {
        last = await check();
        if (last) return last;
      } catch (error) {
        // A session that is gone does not come back: say so now, not at the timeout.
        if (error?.name === 'NoSuchSessionError') throw error;
        last = error;
      }
      await sleep(50);
    }
    throw new Error(`${this.engine}: timed out after ${ms} ms waiting for ${what} (last: ${last})`);
  }

  /** Waits for `selector` to match. */
  waitFor(selector, ms = 20000) {
    return this.until(selector, () => this.js((s) => !!find(s), selector), ms);
  }

  count(selector) {
    return this.js((s) => find(s, true).length, selector);
  }

  /** The rendered text of the first match (`innerText`), or null. */
  text(selector) {
    return this.js((s) => find(s)?.innerText ?? null, selector);
  }

  /** Every match's rendered text. */
  texts(selector) {
    return this.js((s) => find(s, true).map((e) => e.innerText), selector);
  }

  attr(selector, name) {
    return this.js((s, n) => find(s)?.getAttribute(n) ?? null, selector, name);
  }

  value(selector) {
    return this.js((s) => find(s)?.value ?? null, selector);
  }

  /** The WebDriver element for `selector` (shadow roots crossed), waiting for it first. */
  async element(selector) {
    await this.waitFor(selector);
    return this.js((s) => find(s), selector);
  }

  /** Clicks the first button whose text contains `label`. */
  async clickButton(label, within = '') {
    const button = await this.until(`a button "${label}"`, () =>
      this.js((scope, l) => find(`${scope} button`.trim(), true).find((b) => b.innerText.includes(l)) ?? null, within, label));
    await button.click();
  }

  /** Replaces the text of an input as a person would type it. */
  async fill(selector, text) {
    const input = await this.element(selector);
    await input.clear();
    if (text) await input.sendKeys(text);
  }

  /** Pastes `text` into an input, replacing what it has: one input event, as a paste makes. */
  async paste(selector, text) {
    const input = await this.element(selector);
    await input.clear();
    await this.js((e, t) => {
      e.focus();
      if (!document.execCommand('insertText', false, t)) {
        e.value = t;
        e.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste', data: t }));
      }
    }, input, text);
  }

  /** Chooses `path` in a file input. */
  async chooseFile(selector, path) {
    await (await this.element(selector)).sendKeys(path);
  }
}
