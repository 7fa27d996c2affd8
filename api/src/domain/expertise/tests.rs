//! Unit tests of the parent module.

use super::*;

#[test]
fn a_hand_built_organisation_gives_known_figures() {
    // Skills: 1 LinkedIn, 2 TikTok, 3 Writing.
    // People: 10 expert LinkedIn (5) and Writing (4), mentors;
    //         11 expert LinkedIn (4), does not mentor  -> hidden expert;
    //         12 knows TikTok at 3 (not an expert), wants LinkedIn;
    //         13 wants LinkedIn and TikTok; 14 wants Writing;
    //         15 expert TikTok (5), wants it too; 13 also wants it -> hidden.
    let inputs = Inputs {
        skills: vec![
            (1, "LinkedIn".into()),
            (2, "TikTok".into()),
            (3, "Writing short posts".into()),
        ],
        levels: vec![(10, 1, 5), (10, 3, 4), (11, 1, 4), (12, 2, 3), (15, 2, 5)],
        mentors: [10].into_iter().collect(),
        wants: vec![(12, 1), (13, 1), (13, 2), (14, 3), (15, 2), (13, 1)],
    };
    let map = build(&inputs);
    assert_eq!(
        map.rows,
        vec![
            Row {
                skill_id: 2,
                experts: 1,
                mentoring_experts: 0,
                learners: 2,
                gap: 2
            },
            Row {
                skill_id: 1,
                experts: 2,
                mentoring_experts: 1,
                learners: 2,
                gap: 1
            },
            Row {
                skill_id: 3,
                experts: 1,
                mentoring_experts: 1,
                learners: 1,
                gap: 0
            },
        ]
    );
    assert_eq!(
        map.hidden_experts,
        vec![
            HiddenExpert {
                user_id: 11,
                skills: vec![(1, 4)]
            },
            HiddenExpert {
                user_id: 15,
                skills: vec![(2, 5)]
            },
        ]
    );
}

#[test]
fn nobody_wanting_a_skill_hides_nobody() {
    let inputs = Inputs {
        skills: vec![(1, "X".into())],
        levels: vec![(10, 1, 5)],
        ..Default::default()
    };
    let map = build(&inputs);
    assert!(map.hidden_experts.is_empty());
    assert_eq!(map.rows[0].gap, 0);
}
