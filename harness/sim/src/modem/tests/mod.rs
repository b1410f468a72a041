//! Behaviour tests of the modem model, one file per area.
