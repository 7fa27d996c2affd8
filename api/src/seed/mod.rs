//! Data for trying and measuring the server: a believable organisation to
//! try the product with (`seed-demo`, `serve --demo`) and a large one for
//! load tests (`seed-bench`).

pub mod bench;
pub mod demo;
