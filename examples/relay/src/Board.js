// The clinic board a frontend pages through, in both directions, and
// refetches from the root. Only the Relay compiler reads these documents.
import { graphql } from "react-relay";

export const BoardQuery = graphql`
  query BoardQuery($first: Int, $after: String, $last: Int, $before: String) {
    ...Board_clinics @arguments(first: $first, after: $after, last: $last, before: $before)
    me {
      id
      displayName
    }
  }
`;

export const clinics = graphql`
  fragment Board_clinics on Query
  @refetchable(queryName: "BoardPaginationQuery")
  @argumentDefinitions(
    first: { type: "Int", defaultValue: 10 }
    after: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
  ) {
    clinics(first: $first, after: $after, last: $last, before: $before)
      @connection(key: "Board_clinics") {
      totalCount
      edges {
        node {
          id
          ...ClinicCard_clinic
        }
      }
    }
  }
`;
