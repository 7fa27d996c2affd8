// A plan goal's discussion, paged both ways from a goal fetched by node(id).
import { graphql } from "react-relay";

export const GoalQuery = graphql`
  query GoalCommentsQuery($id: ID!) {
    node(id: $id) {
      ... on PlanGoal {
        id
        title
        status
        baseline
        current
        progress
        ...GoalComments_goal @alias
      }
    }
  }
`;

export const comments = graphql`
  fragment GoalComments_goal on PlanGoal
  @refetchable(queryName: "GoalCommentsPaginationQuery")
  @argumentDefinitions(
    first: { type: "Int", defaultValue: 20 }
    after: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
  ) {
    comments(first: $first, after: $after, last: $last, before: $before)
      @connection(key: "GoalComments_comments") {
      edges {
        node {
          id
          text
          removed
          createdAt
          author {
            id
            displayName
          }
        }
      }
    }
  }
`;
