// The signed-in person's API tokens: made (shown once) and revoked.
import { api } from "../../api.js";
import { actingButton, h, sendingForm, showOnce, when } from "../../element.js";
import { language } from "../../words.js";

export function tokensSection(session, tokens, w, redraw) {
  const shown = h("p", { id: "token-shown", role: "status" });
  return h("section", { "aria-labelledby": "tokens-title" },
    h("h2", { id: "tokens-title" }, w.tokens),
    h("ul", {}, tokens.filter((t) => !t.revoked_at).map((token) =>
      h("li", {}, `${token.name} · ${when(token.created_at, language())} `,
        actingButton(`revoke-${token.id}`, `${w.revoke} ${token.name}`, async () => {
          await api("DELETE", `/v1/tokens/${encodeURIComponent(token.id)}`);
          await redraw();
        })))),
    sendingForm("token", "inline", async (data) => {
      const made = await api("POST", "/v1/tokens", { name: data.get("name") });
      await showOnce("token-shown", redraw, w.tokenShown, " ", h("code", {}, made.token));
    },
      h("label", { for: "token-name" }, w.tokenName),
      h("input", { id: "token-name", name: "name", required: true, maxlength: 100 }),
      h("button", { type: "submit" }, w.makeToken)),
    shown);
}
