// One clinic on the board, refetchable on its own through node(id).
import { graphql } from "react-relay";

export const clinic = graphql`
  fragment ClinicCard_clinic on Clinic @refetchable(queryName: "ClinicCardRefetchQuery") {
    id
    title
    startsAt
    seatsLeft
    waitlistLength
    facilitator {
      id
      displayName
    }
    myRegistration {
      id
      status
      waitlistPosition
    }
    questions {
      id
      text
      anonymous
      answered
    }
  }
`;
