//! Data for trying and measuring the server: a large organisation for load
//! tests (`seed-bench`).

pub mod bench;
