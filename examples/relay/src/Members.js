// The member directory with a filter, paged both ways, and a member's
// channels.
import { graphql } from "react-relay";

export const members = graphql`
  fragment Members_query on Query
  @refetchable(queryName: "MembersPaginationQuery")
  @argumentDefinitions(
    search: { type: "String" }
    first: { type: "Int", defaultValue: 20 }
    after: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
  ) {
    members(filter: { search: $search }, first: $first, after: $after, last: $last, before: $before)
      @connection(key: "Members_members", filters: ["filter"]) {
      edges {
        node {
          id
          displayName
          role
          channels {
            id
            handle
            platform {
              name
            }
          }
        }
      }
    }
  }
`;

export const MembersQuery = graphql`
  query MembersQuery($search: String) {
    ...Members_query @arguments(search: $search)
  }
`;
