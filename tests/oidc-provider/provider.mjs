// A real OpenID provider (panva/oidc-provider) with the OAuth 2.0 Device Authorization Grant on,
// for the office server's sign-in tests. The Rust test harness starts it on loopback:
//
//   node provider.mjs [--port N]            (0 = any free port; default 0)
//
// Settings come from the environment (all optional):
//   OIDC_PORT         port to listen on (the --port argument wins)
//   OIDC_CLIENT_ID    the kiosk's public client (default motcua-kiosk)
//   OIDC_INTERVAL     seconds the device authorization response asks clients to wait between
//                     polls (the provider sends none by itself, so clients use RFC 8628's 5 s)
//   OIDC_ACCOUNT      JSON object of the test citizen's claims (default: Nguyễn Thị Thu Hà)
//
// A second client, `${OIDC_CLIENT_ID}-short`, gets device codes that expire after 2 s (the
// expired-code test). When listening it prints one line: `ready ISSUER`.
import Provider from 'oidc-provider';

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const port = Number(arg('port') ?? process.env.OIDC_PORT ?? 0);
const clientId = process.env.OIDC_CLIENT_ID ?? 'motcua-kiosk';
const shortClientId = `${clientId}-short`;
const interval = process.env.OIDC_INTERVAL ? Number(process.env.OIDC_INTERVAL) : undefined;

const citizen = process.env.OIDC_ACCOUNT ? JSON.parse(process.env.OIDC_ACCOUNT) : {
  sub: 'citizen-001',
  name: 'Nguyễn Thị Thu Hà'.normalize('NFC'),
  birthdate: '1990-07-15',
  gender: 'female',
  id_number: '001190012345',
  address: { formatted: 'Số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội'.normalize('NFC') },
  phone_number: '0912345678',
};

const deviceClient = (id) => ({
  client_id: id,
  client_name: 'Một Cửa Kiosk (test)',
  token_endpoint_auth_method: 'none',
  grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
  response_types: [],
  redirect_uris: [],
  id_token_signed_response_alg: 'RS256',
});

// The provider serves its own pages over HTTP, so it needs an issuer with the real port: bind
// first, then build the provider on that address.
import http from 'node:http';

const server = http.createServer();
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [deviceClient(clientId), deviceClient(shortClientId)],
  // The dev login form takes any login name: every login is the test citizen.
  async findAccount() {
    return {
      accountId: citizen.sub,
      async claims() { return { ...citizen }; },
    };
  },
  claims: {
    openid: ['sub'],
    profile: ['name', 'birthdate', 'gender'],
    address: ['address'],
    phone: ['phone_number'],
    id_number: ['id_number'],
  },
  scopes: ['openid', 'profile', 'address', 'phone', 'id_number'],
  // Claims of the granted scopes go into the ID token, as VNeID-like providers send them.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: false },
  },
  ttl: {
    DeviceCode(ctx, token, client) {
      return (client?.clientId ?? token?.clientId) === shortClientId ? 2 : 600;
    },
    IdToken: 3600,
    AccessToken: 600,
    Grant: 600,
    Interaction: 600,
    Session: 600,
  },
  pkce: { required: () => false },
});

provider.on('device_authorization.success', (ctx, body) => {
  if (interval !== undefined) body.interval = interval;
});

server.on('request', provider.callback());
process.stdout.write(`ready ${issuer}\n`);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
// The harness closes our stdin when it goes away: never outlive it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
