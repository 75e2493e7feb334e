//! Reading what a D1 batch gave back: each statement's rows, by its place
//! in the batch. A statement that is not there (a batch built shorter)
//! gave no rows.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use worker::D1Result;

use crate::error::Result;

/// The rows of one statement's result, as `T`.
pub fn rows<T: DeserializeOwned>(result: Option<&D1Result>) -> Result<Vec<T>> {
    match result {
        Some(result) => Ok(result.results()?),
        None => Ok(Vec::new()),
    }
}

/// The first row of one statement's result, as `T`.
pub fn first<T: DeserializeOwned>(result: Option<&D1Result>) -> Result<Option<T>> {
    Ok(rows(result)?.into_iter().next())
}

/// A row that is just an `id`, as `RETURNING id` gives.
#[derive(Deserialize)]
pub struct Id<T> {
    /// The id.
    pub id: T,
}

/// The ids a statement's `RETURNING id` gave.
pub fn ids<T: DeserializeOwned>(result: Option<&D1Result>) -> Result<Vec<T>> {
    Ok(rows::<Id<T>>(result)?
        .into_iter()
        .map(|row| row.id)
        .collect())
}
