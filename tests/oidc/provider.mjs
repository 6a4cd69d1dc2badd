// A real OpenID Connect provider (panva's oidc-provider, certified by the OpenID Foundation) for
// nttlearn's single sign-on tests, on 127.0.0.1 only. Tests only: never run it for people.
//
// Environment: OIDC_PORT; OIDC_CLIENTS, a JSON list of clients ({client_id, client_secret,
// redirect_uris}); OIDC_ACCOUNTS, a JSON object {login: {password, claims}} whose login is the
// subject ("sub"). The login page is a plain form (POST login, password to
// /interaction/<uid>/login, or /interaction/<uid>/abort to refuse); the tests' client is
// first-party, so no consent page follows. Prints "listening <issuer>" when it answers.
import http from "node:http";
import { generateKeyPairSync } from "node:crypto";
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS || "[]");
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || "{}");

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "tests", use: "sig", alg: "RS256" };

const provider = new Provider(issuer, {
  clients: clients.map((client) => ({
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: client.client_secret ? "client_secret_basic" : "none",
    ...client,
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: ["nttlearn-tests-only"] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    // org_name and org_country: the organisation claims a municipality's provider adds.
    profile: ["name", "given_name", "family_name", "locale", "org_name", "org_country"],
  },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { ...account.claims, sub: id }; } };
  },
  // A first-party client: the person is not asked to consent to what the scopes share.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
});

function page(uid, message = "") {
  return `<!doctype html><title>Test provider</title><h1>Test provider login</h1><p>${message}</p>
<form method="post" action="/interaction/${uid}/login">
<label>Login <input name="login"></label><label>Password <input name="password" type="password"></label>
<button>Log in</button></form>
<form method="post" action="/interaction/${uid}/abort"><button>Cancel</button></form>`;
}

async function form(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const handle = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = new URL(req.url, issuer).pathname.match(/^\/interaction\/([^/]+)(?:\/(login|abort))?$/);
  if (!match) return handle(req, res);
  try {
    await provider.interactionDetails(req, res); // refuses an unknown or expired interaction
    const [, uid, action] = match;
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(page(uid));
    }
    if (action === "abort") {
      return await provider.interactionFinished(req, res,
        { error: "access_denied", error_description: "End-User aborted interaction" },
        { mergeWithLastSubmission: false });
    }
    const fields = await form(req);
    const account = accounts[fields.get("login")];
    if (!account || account.password !== fields.get("password")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(page(uid, "Wrong login or password"));
    }
    return await provider.interactionFinished(req, res,
      { login: { accountId: fields.get("login") } }, { mergeWithLastSubmission: false });
  } catch (error) {
    res.writeHead(400, { "content-type": "text/plain" });
    return res.end(String(error));
  }
});
server.listen(port, "127.0.0.1", () => console.log(`listening ${issuer}`));
