// The made-up people the leads benchmark seeds: who they are, which form
// they filled in and when, what they consented to, the score and stage the
// demo form's rules give them, and how sales moved them on afterwards. Every
// choice comes from a seeded generator, so each run seeds the same leads and
// the numbers of two runs compare.
import { createHash } from "node:crypto";

/** The sites and forms the leads come through, with their share of leads. */
export const SITES = [
  { id: "acme-growth", name: "Acme Growth (demo)", page: "https://acme-growth.example/guia-inbound" },
  { id: "nova-saas", name: "Nova SaaS (benchmark)", page: "https://nova-saas.example/prueba" },
];
export const FORMS = [
  { id: "demo-ebook", site: "acme-growth", offer: "ebook-inbound", share: 0.5 },
  { id: "demo-webinar", site: "acme-growth", offer: "webinar-scoring", share: 0.25 },
  { id: "demo-checklist", site: "acme-growth", offer: "checklist-seo", share: 0.1 },
  { id: "nova-trial", site: "nova-saas", offer: "trial-30", share: 0.15 },
];

const FIRST_NAMES = [
  "Ana", "Bruno", "Carmen", "Diego", "Elena", "Fernando", "Gabriela", "Hugo", "Inés", "Javier",
  "Laura", "Lucía", "Manuel", "Marta", "Nicolás", "Olga", "Pablo", "Paula", "Raúl", "Sara",
  "Sofía", "Tomás", "Valeria", "Víctor", "Ximena", "Yolanda", "Alejandro", "Beatriz", "Camila", "Daniel",
  "Emma", "Oliver", "James", "Charlotte", "Amelia", "Noah", "Grace", "Henry", "Isabel", "Jorge",
];
// The first surnames are the most common (see `pick`); Zubiaurre is the
// rare one the benchmark searches for.
const SURNAMES = [
  "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín",
  "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez", "Romero", "Navarro", "Torres", "Domínguez",
  "Vázquez", "Ramos", "Gil", "Serrano", "Blanco", "Molina", "Castro", "Ortiz", "Rubio", "Marín",
  "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "O'Connor", "Müller", "Rossi",
];
export const RARE_SURNAME = "Zubiaurre";

const COMPANIES = [
  ["Acme Industrial", "acme-industrial.example"], ["Globex Logística", "globex.example"],
  ["Initech Software", "initech.example"], ["Umbrella Salud", "umbrella.example"],
  ["Hooli", "hooli.example"], ["Vandelay Importaciones", "vandelay.example"],
  ["Pied Piper", "piedpiper.example"], ["Stark Energía", "stark.example"],
  ["Wayne Finanzas", "wayne.example"], ["Tyrell Biotech", "tyrell.example"],
  ["Soylent Alimentos", "soylent.example"], ["Cyberdyne Robótica", "cyberdyne.example"],
  ["Monarch Seguros", "monarch.example"], ["Oscorp Química", "oscorp.example"],
  ["Gringotts Banca", "gringotts.example"], ["Aperture Labs", "aperture.example"],
  ["Black Mesa Ingeniería", "blackmesa.example"], ["Wonka Dulces", "wonka.example"],
  ["Dunder Mifflin Papel", "dundermifflin.example"], ["Sterling Cooper Publicidad", "sterlingcooper.example"],
  ["Los Pollos Hermanos", "pollos.example"], ["Bluth Inmobiliaria", "bluth.example"],
  ["Massive Dynamic", "massivedynamic.example"], ["Prestige Worldwide", "prestige.example"],
];
const FREE_MAIL = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.es"];
const DISPOSABLE = "mailinator.com";
const COMPETITOR = "rivalgrowth.example";

const ROLES = [
  "Directora de Marketing", "Head of Growth", "CMO", "Analista de datos", "Responsable de ventas",
  "Marketing Manager", "Director comercial", "Content Marketing", "Fundador", "Consultor",
  "Product Manager", "Estudiante", "Head of Sales", "Desarrollador", "Community Manager",
];
const SIZES = ["1-9", "10-49", "50-249", "250-999", "1000+"];
const COUNTRIES = ["ES", "ES", "ES", "MX", "MX", "AR", "CO", "US", "GB"];
const SOURCES = [["google", "seo"], ["linkedin", "abm-q3"], ["newsletter", "guia-inbound"], ["twitter", "lanzamiento"]];

/** A small seeded generator (mulberry32): the same leads on every run. */
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p) => next() < p,
    // Skewed towards the start of the list: a few very common values.
    pick: (list, skew = 1) => list[Math.floor(next() ** skew * list.length)],
    between: (low, high) => low + Math.floor(next() * (high - low + 1)),
    fraction: next,
  };
}

/** An e-mail's local part: lower case ASCII, accents dropped. */
function slug(text) {
  return text.normalize("NFD").replace(/[^A-Za-z]/g, "").toLowerCase();
}

const hex = (text) => createHash("sha256").update(text).digest("hex");

/**
 * What the demo form's rules (edge/forms/demo-ebook.toml) make of a person:
 * the rules that fire, the capped group totals, the score and the stage.
 * A copy of the rules in a few lines, only so the seeded scores, stages and
 * explanations spread the way real ones do.
 */
function qualify({ domainKind, fields, purposes }) {
  const fired = [];
  const fire = (rule, group, points, disqualify = false) =>
    fired.push({ rule, ...(group ? { group } : {}), points, ...(disqualify ? { disqualify } : {}) });
  if (domainKind === "disposable") fire("disposable-email", null, 0, true);
  if (domainKind === "competitor") fire("competitor", null, 0, true);
  if (domainKind === "company") fire("work-email", "fit", 15);
  if (domainKind === "free_mail") fire("free-mail", "fit", -10);
  if (/marketing|cmo|director|head/.test(fields.job_role?.toLowerCase() ?? "")) fire("marketing-leader", "fit", 20);
  if (["50-249", "250-999", "1000+"].includes(fields.company_size)) fire("company-size-fit", "fit", 15);
  if (["ES", "MX", "AR", "CO"].includes(fields.country)) fire("served-country", "fit", 5);
  if (fields.phone) fire("gave-phone", "interest", 5);
  if (purposes.has("marketing_emails")) fire("wants-newsletter", "interest", 5);
  if (purposes.has("sales_contact")) fire("wants-sales-contact", "interest", 15);
  const groups = ["fit", "interest"]
    .map((group) => {
      const points = fired.filter((hit) => hit.group === group).reduce((sum, hit) => sum + hit.points, 0);
      return { group, points, counted: Math.min(points, 60) };
    })
    .filter(({ group }) => fired.some((hit) => hit.group === group));
  const score = groups.reduce((sum, group) => sum + group.counted, 0);
  let stage = "lead";
  if (fired.some((hit) => hit.disqualify)) stage = "disqualified";
  else if (score >= 100) stage = "sql";
  else if (score >= 50) stage = "mql";
  else if (score >= 0 && (purposes.has("marketing_emails") || purposes.has("sales_contact"))) stage = "iql";
  return { score, stage, explanation: { fired, groups } };
}

/** What sales did with the lead afterwards: stage moves, each later than the last. */
function movesAfter(stage, createdMs, now, random) {
  const moves = [];
  let at = createdMs;
  const move = (to, reason) => {
    at = Math.min(now, at + random.between(1, 20) * 86_400_000 + random.between(0, 86_399_999));
    moves.push({ from: moves.at(-1)?.to ?? stage, to, reason, at: new Date(at).toISOString() });
  };
  if (stage === "mql" && random.chance(0.35)) {
    move("sql", "sales accepted the lead");
    if (random.chance(0.45)) {
      move("opportunity", "demo booked");
      if (random.chance(0.35)) move("customer", "contract signed");
    }
  } else if ((stage === "iql" || stage === "mql") && random.chance(0.04)) {
    move("disqualified", "not a real company");
  }
  return moves;
}

/**
 * `count` leads, oldest first, created over the year before `now` (ids 1 to
 * `count` in time order, as the edge's inserts would give them). Each has one
 * submission through one of FORMS and a consent event per consent given.
 */
export function* people(count, now = Date.now(), seed = 20_260_101) {
  const random = generator(seed);
  const yearMs = 365 * 86_400_000;
  const start = now - yearMs;
  const taken = new Map();
  for (let id = 1; id <= count; id++) {
    const firstName = random.pick(FIRST_NAMES);
    const surname = random.chance(0.0002) ? RARE_SURNAME : random.pick(SURNAMES, 2);
    const [company, companyDomain] = random.pick(COMPANIES, 1.5);
    const roll = random.fraction();
    const [domain, domainKind] =
      roll < 0.01 ? [DISPOSABLE, "disposable"]
      : roll < 0.015 ? [COMPETITOR, "competitor"]
      : roll < 0.25 ? [random.pick(FREE_MAIL), "free_mail"]
      : [companyDomain, "company"];
    const local = `${slug(firstName)}.${slug(surname)}`;
    const seen = taken.get(`${local}@${domain}`) ?? 0;
    taken.set(`${local}@${domain}`, seen + 1);
    const email = `${local}${seen > 0 ? seen + 1 : ""}@${domain}`;

    const [utmSource, utmCampaign] = random.pick(SOURCES);
    const fields = { first_name: firstName, company };
    if (random.chance(0.8)) fields.job_role = random.pick(ROLES, 1.3);
    if (random.chance(0.7)) fields.company_size = random.pick(SIZES);
    if (random.chance(0.75)) fields.country = random.pick(COUNTRIES);
    if (random.chance(0.3)) fields.phone = `+346${String(random.between(0, 99_999_999)).padStart(8, "0")}`;
    fields.utm_source = utmSource;
    fields.utm_campaign = utmCampaign;

    // Content delivery is the form's required consent; the others are asked.
    const purposes = new Set(["content_delivery"]);
    if (random.chance(0.3)) purposes.add("marketing_emails");
    if (random.chance(fields.phone ? 0.45 : 0.12)) purposes.add("sales_contact");

    // Ids follow time: each lead in its own slice of the year.
    const createdMs = Math.floor(start + ((id - 1 + random.fraction()) / count) * yearMs);
    const createdAt = new Date(createdMs).toISOString();
    const shareRoll = random.fraction();
    let form = FORMS[0];
    for (let acc = 0, i = 0; i < FORMS.length; i++) {
      acc += FORMS[i].share;
      if (shareRoll < acc) {
        form = FORMS[i];
        break;
      }
    }
    const { score, stage, explanation } = qualify({ domainKind, fields, purposes });
    const moves = movesAfter(stage, createdMs, now, random);
    const submissionId = `bench-${String(id).padStart(7, "0")}-${hex(email).slice(0, 12)}`;
    const site = SITES.find((s) => s.id === form.site);
    const consents = [...purposes].map((purpose) => ({
      consent: { content_delivery: "content", marketing_emails: "newsletter", sales_contact: "sales" }[purpose],
      purpose,
      granted: 1,
      at: createdAt,
    }));
    // Some newsletter readers unsubscribe later: a withdrawal in the ledger.
    if (purposes.has("marketing_emails") && random.chance(0.08)) {
      const at = new Date(Math.min(now, createdMs + random.between(2, 120) * 86_400_000)).toISOString();
      consents.push({ consent: "newsletter", purpose: "marketing_emails", granted: 0, at });
    }
    yield {
      id,
      site: site.id,
      form: form.id,
      offer: form.offer,
      page: site.page,
      email,
      fields,
      locale: random.chance(0.7) ? "es" : "en",
      score,
      stage,
      explanation,
      createdAt,
      updatedAt: moves.at(-1)?.at ?? createdAt,
      submissionId,
      ipHash: hex(`ip ${id % 40_000}`),
      elapsedMs: random.between(4_000, 90_000),
      consents,
      moves,
    };
  }
}
