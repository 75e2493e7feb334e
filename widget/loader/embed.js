// Embudo's embed loader: the one <script> a website owner pastes.
//
//   <script async src="https://HOST/embed.js" data-form="FORM"></script>
//     renders the form where the tag stands;
//   <embudo-form form="FORM" locale="en"></embudo-form>
//     renders a form wherever the element is, as many as the page wants;
//   <button data-embudo-open="FORM">Get the guide</button>
//     opens the form in a popup when clicked.
//
// The widget's wasm and the form's spec are fetched only when a form comes
// near the viewport or a popup opens, so the page's own load never waits on
// them. The loader defines the <embudo-form> element and one namespace
// (window.embudo), sets no cookies, adds no styles to the page, and never
// throws into it.
(() => {
  const script = document.currentScript;
  const ns = (window.embudo ??= {});
  // The first language forms are written in, from `asked` (an element's
  // own say), the page's, then the browser's preferences; else Spanish.
  const language = (...asked) =>
    [...asked, document.documentElement.lang, ...(navigator.languages?.length ? navigator.languages : [navigator.language])].find((tag) =>
      /^(es|en)(?:[-_]|$)/i.test(tag ?? ""),
    ) ?? "es";
  const locale = (element) => language(element?.getAttribute("locale"), element?.dataset?.locale);

  if (!ns.base) {
    ns.base = new URL(".", script?.src ?? location.href);
    const base = ns.base;
    let widget;
    // The wasm, loaded once for every form on the page.
    const load = () =>
      (widget ??= import(new URL("widget/embudo_widget.js", base).href).then(async (module) => {
        await module.default({ module_or_path: new URL("widget/embudo_widget_bg.wasm", base) });
        return module;
      }));
    const mount = (host, form) =>
      load()
        .then((module) => module.mount(host, form, base.origin, locale(host)))
        .catch((error) => console.error("[embudo] the form could not load:", error));
    // A draft spec shown as visitors would see it, sending nothing (the
    // dashboard's form editor); `host` is a fresh element each time.
    ns.preview = (host, spec, lang) => load().then((module) => module.preview(host, spec, lang));
    // Starts a form when it is within 300px of the viewport.
    const whenNear = (host, start) => {
      if (!("IntersectionObserver" in window)) return start();
      const watch = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) {
            watch.disconnect();
            start();
          }
        },
        { rootMargin: "300px" },
      );
      watch.observe(host);
    };

    if (!customElements.get("embudo-form")) {
      customElements.define(
        "embudo-form",
        class extends HTMLElement {
          // A script or framework may add the element first and name its
          // form a moment later: it starts once it has both.
          static observedAttributes = ["form"];
          #started = false;
          connectedCallback() {
            this.#start();
          }
          attributeChangedCallback() {
            if (this.isConnected) this.#start();
          }
          #start() {
            const form = this.getAttribute("form");
            if (this.#started || !form) return;
            this.#started = true;
            whenNear(this, () => mount(this, form));
          }
        },
      );
    }

    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`
      dialog { border: none; border-radius: 12px; padding: 0; max-width: min(32rem, 94vw);
               box-shadow: 0 12px 48px rgb(0 0 0 / 0.25); }
      dialog::backdrop { background: rgb(15 23 42 / 0.55); }
      .close { position: absolute; top: 0.5rem; right: 0.5rem; border: none; background: none;
               font: 1.5rem/1 system-ui, sans-serif; cursor: pointer; padding: 0.25rem 0.5rem; }
      .close:focus-visible { outline: 3px solid #2563eb; border-radius: 6px; }`);
    // A popup: a modal dialog in its own shadow root, closed by its button,
    // Escape or a click on the backdrop, and removed when closed.
    ns.open = (form, asked, label = form) => {
      const lang = language(asked);
      const shell = document.createElement("div");
      const root = shell.attachShadow({ mode: "open" });
      root.adoptedStyleSheets = [sheet];
      const dialog = document.createElement("dialog");
      dialog.setAttribute("aria-label", label);
      const close = document.createElement("button");
      close.className = "close";
      close.type = "button";
      close.textContent = "×";
      close.setAttribute("aria-label", /^en/i.test(lang) ? "Close" : "Cerrar");
      close.addEventListener("click", () => dialog.close());
      const host = document.createElement("embudo-form");
      host.setAttribute("form", form);
      host.setAttribute("locale", lang);
      dialog.append(close, host);
      dialog.addEventListener("click", (event) => event.target === dialog && dialog.close());
      dialog.addEventListener("close", () => shell.remove());
      root.append(dialog);
      document.body.append(shell);
      dialog.showModal();
      return host;
    };
    // What an earlier page kept and could not send goes once this page is
    // idle, even if none of its forms ever comes near the viewport.
    let kept = null;
    try {
      kept = localStorage.getItem("embudo:outbox");
    } catch {
      // storage blocked: nothing can have been kept
    }
    if (kept && kept !== "[]") {
      const idle = window.requestIdleCallback ?? ((run) => setTimeout(run, 500));
      idle(() =>
        load()
          .then((module) => module.sendKept(base.origin))
          .catch((error) => console.error("[embudo] kept submissions could not be sent:", error)),
      );
    }
    document.addEventListener("click", (event) => {
      const opener = event.target instanceof Element && event.target.closest("[data-embudo-open]");
      if (!opener) return;
      event.preventDefault();
      ns.open(opener.dataset.embudoOpen, locale(opener), opener.textContent.trim() || undefined);
    });
  }

  // The pasted tag itself: its form goes where it stands.
  if (script?.dataset.form) {
    const host = document.createElement("embudo-form");
    host.setAttribute("form", script.dataset.form);
    host.setAttribute("locale", locale(script));
    script.after(host);
  }
})();
