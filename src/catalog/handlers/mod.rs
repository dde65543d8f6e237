pub mod lists;
pub mod products;
pub mod reasons;
pub mod subjects;
pub mod teams;
