"""Sign in to Voimavara and print the clinic board.

A frontend developer's first client, with the `gql` library:

    pip install -r requirements.txt
    python clinic_board.py http://127.0.0.1:8080 liisa.makinen@kuusisto.example kokeile-voimavaraa
"""

import sys

from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport

SIGN_IN = gql(
    """
    mutation SignIn($email: String!, $password: String!) {
      login(input: {email: $email, password: $password}) {
        accessToken
        user { displayName }
      }
    }
    """
)

CLINIC_BOARD = gql(
    """
    query ClinicBoard($first: Int!) {
      clinics(first: $first) {
        edges {
          node {
            title
            startsAt
            seatsLeft
            waitlistLength
            facilitator { displayName }
            myRegistration { status waitlistPosition }
          }
        }
      }
    }
    """
)


def client(base_url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = RequestsHTTPTransport(url=f"{base_url}/graphql", headers=headers, timeout=30)
    return Client(transport=transport, fetch_schema_from_transport=False)


def main(base_url, email, password):
    with client(base_url) as session:
        signed_in = session.execute(SIGN_IN, variable_values={"email": email, "password": password})
    login = signed_in["login"]
    print(f"Signed in as {login['user']['displayName']}")

    with client(base_url, login["accessToken"]) as session:
        board = session.execute(CLINIC_BOARD, variable_values={"first": 20})
    clinics = [edge["node"] for edge in board["clinics"]["edges"]]
    for clinic in clinics:
        mine = clinic["myRegistration"]
        where = ""
        if mine and mine["status"] == "WAITLISTED":
            where = f"  (you: waitlisted, #{mine['waitlistPosition']})"
        elif mine:
            where = "  (you: confirmed)"
        print(
            f"{clinic['startsAt']}  {clinic['title']:<40} "
            f"{clinic['seatsLeft']:>2} seats left, {clinic['waitlistLength']} waiting, "
            f"with {clinic['facilitator']['displayName']}{where}"
        )
    return len(clinics)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(f"usage: {sys.argv[0]} BASE_URL EMAIL PASSWORD")
    count = main(*sys.argv[1:])
    sys.exit(0 if count > 0 else 1)
