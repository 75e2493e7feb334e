// Embudo's embed loader: the one <script> a website owner pastes.
//
//   <script async src="https://HOST/embed.js" data-form="FORM"></script>
//
// It puts a host element where the tag stands, then loads the widget's wasm
// from the same place as this file and renders the form into it. It defines
// no globals, sets no cookies and never throws into the host page.
(() => {
  const script = document.currentScript;
  if (!script || !script.dataset.form) {
    console.warn("[embudo] embed.js needs a data-form attribute");
    return;
  }
  const base = new URL(".", script.src);
  const host = document.createElement("div");
  host.dataset.embudoForm = script.dataset.form;
  script.after(host);
  const locale =
    script.dataset.locale || document.documentElement.lang || navigator.language || "es";

  import(new URL("widget/embudo_widget.js", base).href)
    .then(async (widget) => {
      await widget.default({
        module_or_path: new URL("widget/embudo_widget_bg.wasm", base),
      });
      await widget.mount(host, script.dataset.form, base.origin, locale);
    })
    .catch((error) => console.error("[embudo] the form could not load:", error));
})();
