// Signing in with e-mail and password; the API sets the session cookie.
// The person then goes on to the page they were sent here from (`next`,
// a dashboard page only), else to the overview.
import { api, ApiError } from "../api.js";
import { h, replace } from "../element.js";
import { words } from "../words.js";

/**
 * Whether `hash` names a dashboard page a person can be sent on to: any
 * but the sign-in page, read as the router reads it (empty parts dropped).
 */
const onwardPage = (hash) =>
  hash.startsWith("#/") && hash.slice(2).split("?")[0].split("/").find(Boolean) !== "sign-in";

/**
 * The sign-in page, remembering the page the person was on or had a link
 * to (`hash`), so signing in takes them there rather than to the overview.
 */
export function signInFor(hash) {
  return onwardPage(hash) ? `#/sign-in?next=${encodeURIComponent(hash)}` : "#/sign-in";
}

export async function signInPage(main, session, params) {
  // As location.hash will take it: tabs and line breaks are dropped.
  const next = (params.get("next") ?? "").replace(/[\t\n\r]/g, "");
  const onward = onwardPage(next) ? next : "#/overview";
  const w = words();
  const problem = h("p", { class: "problem", id: "sign-in-problem", role: "alert" });
  const email = h("input", { id: "email", name: "email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const form = h(
    "form",
    {
      class: "sign-in",
      "aria-describedby": "sign-in-problem",
      onsubmit: async (event) => {
        event.preventDefault();
        problem.textContent = "";
        try {
          const person = await api("POST", "/v1/session", { email: email.value, password: password.value });
          await session.signedIn(person);
          session.go(onward);
        } catch (error) {
          problem.textContent =
            error instanceof ApiError && error.status === 429 ? w.tooMany
            : error instanceof ApiError && error.status === 401 ? w.wrongPassword
            : error.message;
          password.focus();
        }
      },
    },
    h("h1", {}, w.signInTitle),
    h("label", { for: "email" }, w.email),
    email,
    h("label", { for: "password" }, w.password),
    password,
    problem,
    h("button", { type: "submit" }, w.signIn),
  );
  replace(main, form);
  email.focus();
}
