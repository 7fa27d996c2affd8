//! The expertise map: for every skill, who knows it well, how many of them
//! mentor, how many people want it, and the gap; and the hidden experts —
//! people who know a wanted skill well and do not mentor yet.

use std::collections::{BTreeMap, BTreeSet, HashSet};

/// A self-assessed level at or above this counts as knowing a skill well.
pub const EXPERT_LEVEL: i32 = 4;

/// What the map is computed from (one organisation's active members).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Every skill in scope: (id, name).
    pub skills: Vec<(i64, String)>,
    /// Self-assessments: (person, skill, level).
    pub levels: Vec<(i64, i64, i32)>,
    /// People who mentor (a profile accepting mentees).
    pub mentors: HashSet<i64>,
    /// Who wants what: (person, skill), from learning goals and open requests.
    pub wants: Vec<(i64, i64)>,
}

/// One skill's supply and demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub skill_id: i64,
    /// People at level 4 or 5.
    pub experts: u32,
    /// Of those, people who mentor.
    pub mentoring_experts: u32,
    /// Distinct people who want the skill.
    pub learners: u32,
    /// learners − mentoring experts: positive means more demand than supply.
    pub gap: i64,
}

/// Someone who knows wanted skills well and does not mentor yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenExpert {
    pub user_id: i64,
    /// The wanted skills they know well: (skill, level), strongest first.
    pub skills: Vec<(i64, i32)>,
}

/// The whole map.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SkillMap {
    /// Largest gap first, then by skill name.
    pub rows: Vec<Row>,
    /// Most wanted skills first, then by id.
    pub hidden_experts: Vec<HiddenExpert>,
}

/// Computes the map.
pub fn build(inputs: &Inputs) -> SkillMap {
    let mut learners: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (person, skill) in &inputs.wants {
        learners.entry(*skill).or_default().insert(*person);
    }
    let mut experts: BTreeMap<i64, Vec<(i64, i32)>> = BTreeMap::new();
    for (person, skill, level) in &inputs.levels {
        if *level >= EXPERT_LEVEL {
            experts.entry(*skill).or_default().push((*person, *level));
        }
    }

    let mut rows: Vec<(Row, &str)> = inputs
        .skills
        .iter()
        .map(|(skill_id, name)| {
            let skill_experts = experts.get(skill_id).map(Vec::as_slice).unwrap_or(&[]);
            let mentoring = skill_experts
                .iter()
                .filter(|(p, _)| inputs.mentors.contains(p))
                .count() as u32;
            let wanted = learners.get(skill_id).map_or(0, BTreeSet::len) as u32;
            (
                Row {
                    skill_id: *skill_id,
                    experts: skill_experts.len() as u32,
                    mentoring_experts: mentoring,
                    learners: wanted,
                    gap: i64::from(wanted) - i64::from(mentoring),
                },
                name.as_str(),
            )
        })
        .collect();
    rows.sort_by(|(a, an), (b, bn)| {
        b.gap
            .cmp(&a.gap)
            .then_with(|| an.cmp(bn))
            .then(a.skill_id.cmp(&b.skill_id))
    });

    let in_scope: HashSet<i64> = inputs.skills.iter().map(|(id, _)| *id).collect();
    let mut hidden: BTreeMap<i64, Vec<(i64, i32)>> = BTreeMap::new();
    for (skill, people) in &experts {
        if !in_scope.contains(skill) {
            continue;
        }
        for (person, level) in people {
            if inputs.mentors.contains(person) {
                continue;
            }
            // Wanted by somebody other than the expert themselves.
            let wanted = learners
                .get(skill)
                .is_some_and(|who| who.iter().any(|p| p != person));
            if wanted {
                hidden.entry(*person).or_default().push((*skill, *level));
            }
        }
    }
    let mut hidden_experts: Vec<HiddenExpert> = hidden
        .into_iter()
        .map(|(user_id, mut skills)| {
            skills.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            HiddenExpert { user_id, skills }
        })
        .collect();
    hidden_experts.sort_by(|a, b| {
        b.skills
            .len()
            .cmp(&a.skills.len())
            .then(a.user_id.cmp(&b.user_id))
    });

    SkillMap {
        rows: rows.into_iter().map(|(row, _)| row).collect(),
        hidden_experts,
    }
}

#[cfg(test)]
mod tests;
