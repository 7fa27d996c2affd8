// Apollo Client (JavaScript) against a Voimavara server, as a frontend uses it:
// a normalised cache keyed by Node ids (a mutation's answer updates the
// clinic the board showed, with no refetch), automatic persisted queries (a
// repeated query travels as its hash alone), and a subscription over
// graphql-ws. Exits non-zero when anything is not as expected.
//
//   VOIMAVARA_URL=http://127.0.0.1:8080 node apollo.cjs [email] [password]
const crypto = require("node:crypto");
const WebSocket = require("ws");
const { ApolloClient, InMemoryCache, HttpLink, ApolloLink, gql, split } = require("@apollo/client/core");
const { createPersistedQueryLink } = require("@apollo/client/link/persisted-queries");
const { GraphQLWsLink } = require("@apollo/client/link/subscriptions");
const { getMainDefinition } = require("@apollo/client/utilities");
const { createClient } = require("graphql-ws");

const base = process.env.VOIMAVARA_URL || "http://127.0.0.1:8080";
const email = process.argv[2] || "liisa.makinen@kuusisto.example";
const password = process.argv[3] || "kokeile-voimavaraa";

function check(condition, message) {
  if (!condition) {
    console.error(`FAILED: ${message}`);
    process.exit(1);
  }
}

// Every body sent over HTTP, to see what the persisted-query link did.
const sent = [];
const recordingFetch = async (url, options) => {
  sent.push(JSON.parse(options.body));
  return fetch(url, options);
};

let token = null;
const auth = new ApolloLink((operation, forward) => {
  if (token) operation.setContext({ headers: { authorization: `Bearer ${token}` } });
  return forward(operation);
});
const sha256 = (query) => crypto.createHash("sha256").update(query).digest("hex");
const http = createPersistedQueryLink({ sha256 }).concat(
  new HttpLink({ uri: `${base}/graphql`, fetch: recordingFetch }),
);
const wsClient = createClient({
  url: `${base.replace(/^http/, "ws")}/graphql/ws`,
  webSocketImpl: WebSocket,
  connectionParams: () => ({ Authorization: `Bearer ${token}` }),
});
const link = split(
  ({ query }) => {
    const definition = getMainDefinition(query);
    return definition.kind === "OperationDefinition" && definition.operation === "subscription";
  },
  new GraphQLWsLink(wsClient),
  auth.concat(http),
);
const client = new ApolloClient({ link, cache: new InMemoryCache() });

const LOGIN = gql`
  mutation Login($email: String!, $password: String!) {
    login(input: { email: $email, password: $password }) { accessToken user { id displayName } }
  }
`;
const BOARD = gql`
  query Board {
    clinics(first: 10) {
      edges { node { id title seatsLeft myRegistration { id status } } }
    }
  }
`;
const REGISTER = gql`
  mutation Register($id: ID!) {
    registerForClinic(clinicId: $id) { id status clinic { id seatsLeft } }
  }
`;
const CANCEL = gql`
  mutation Cancel($id: ID!) {
    cancelRegistration(registrationId: $id) { id status clinic { id seatsLeft } }
  }
`;
const SEATS = gql`
  subscription Seats($id: ID!) { clinicSeatsChanged(clinicId: $id) { id seatsLeft } }
`;
const CLINIC_SEATS = gql`
  fragment ClinicSeats on Clinic { id seatsLeft }
`;

async function main() {
  const signedIn = await client.mutate({ mutation: LOGIN, variables: { email, password } });
  token = signedIn.data.login.accessToken;
  console.log(`Signed in as ${signedIn.data.login.user.displayName}`);

  const board = await client.query({ query: BOARD, fetchPolicy: "network-only" });
  const open = board.data.clinics.edges
    .map((e) => e.node)
    .find((c) => c.seatsLeft > 0 && !c.myRegistration);
  check(open, "a clinic with a free seat on the board");
  const cacheId = client.cache.identify(open);
  check(cacheId === `Clinic:${open.id}`, `clinics are cached by their Node id (${cacheId})`);

  // The same query again, from the network: it travels as its hash alone.
  const before = sent.length;
  await client.query({ query: BOARD, fetchPolicy: "network-only" });
  const again = sent.slice(before);
  check(
    again.length === 1 && !again[0].query && again[0].extensions?.persistedQuery?.sha256Hash,
    `a repeated query is sent as its hash only (${JSON.stringify(again)})`,
  );

  // A live update: the clinic's seats change when we take one.
  const events = [];
  const subscription = client
    .subscribe({ query: SEATS, variables: { id: open.id } })
    .subscribe({ next: ({ data }) => events.push(data.clinicSeatsChanged), error: (e) => events.push(e) });
  await new Promise((resolve) => setTimeout(resolve, 500));

  const registered = await client.mutate({ mutation: REGISTER, variables: { id: open.id } });
  const status = registered.data.registerForClinic.status;
  check(status === "CONFIRMED", `registered (${status})`);
  // The normalised cache: the board's clinic changed without a refetch.
  const cached = client.cache.readFragment({ id: cacheId, fragment: CLINIC_SEATS });
  check(
    cached.seatsLeft === open.seatsLeft - 1,
    `the cached clinic shows one seat fewer (${open.seatsLeft} -> ${cached.seatsLeft})`,
  );
  // The subscription answers with the clinic as it stands, then each change.
  const taken = () => events.some((e) => e.seatsLeft === open.seatsLeft - 1);
  for (let i = 0; i < 100 && !taken(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  check(taken(), `the subscription saw the seat taken (${JSON.stringify(events)})`);
  console.log(`"${open.title}": ${open.seatsLeft} -> ${cached.seatsLeft} seats, seen live over graphql-ws`);

  // Leave the demo as it was.
  await client.mutate({ mutation: CANCEL, variables: { id: registered.data.registerForClinic.id } });
  subscription.unsubscribe();
  await wsClient.dispose();
  console.log("Apollo Client: normalised cache, persisted queries and subscription all work");
}

main().catch((error) => {
  console.error(`FAILED: ${error.stack || error}`);
  process.exit(1);
});
