//! The client against the real labgrid coordinator (26.0.1) and exporters on 127.0.0.1.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hil_labgrid::testkit::{LabgridLab, available_or_skip, free_port};
use hil_labgrid::{
    Address, Coordinator, LabgridError, ReservationState, acquired_by, board, place_resources,
};

const PROFILES: &[&str] = &["mfw_nrf9160_1.3.6", "mfw_nrf91x1_2.0.2"];

#[test]
fn places_are_reserved_acquired_translated_and_released() {
    if !available_or_skip("places_are_reserved_acquired_translated_and_released") {
        return;
    }
    let lab = LabgridLab::start(&["hostA", "hostB"], 2, PROFILES);
    let client = lab.client("test-host/alice");
    let places = client.places().unwrap();
    assert_eq!(places.len(), 4, "{places:?}");
    assert!(
        places
            .iter()
            .all(|p| p.tags.get("hil").map(String::as_str) == Some("nrf91"))
    );

    let name = &lab.places[2].name;
    let filter = BTreeMap::from([("name".to_string(), name.clone())]);
    let res = client.create_reservation(&filter).unwrap();
    let polled = client.poll_reservation(&res.token).unwrap();
    assert_eq!(polled.state, ReservationState::Allocated, "{polled:?}");
    assert_eq!(polled.place.as_deref(), Some(name.as_str()));

    client.acquire_place(name).unwrap();
    client
        .wait_view("the console's port", Duration::from_secs(10), |v| {
            v.resources
                .values()
                .any(|r| r.id.group == *name && r.param("port").is_some())
        })
        .unwrap();
    let place = client
        .places()
        .unwrap()
        .into_iter()
        .find(|p| &p.name == name)
        .unwrap();
    assert_eq!(acquired_by(&place), Some("test-host/alice"));
    let resources = client.resources();
    let selected = place_resources(&place, &resources);
    let b = board::translate(&place, &selected).unwrap();
    assert_eq!(b.exporter, "hostB");
    let port = b.spec.serial.unwrap().port.display().to_string();
    assert!(port.starts_with("rfc2217://127.0.0.1:"), "{port}");
    assert_eq!(b.spec.expected_mfw.unwrap().to_string(), PROFILES[0]);

    // A second session may not take it.
    let other = lab.client("test-host/bob");
    let e = other.acquire_place(name).unwrap_err();
    assert!(
        e.is_precondition() || matches!(e, LabgridError::Refused { .. }),
        "{e}"
    );

    client.release_place(name, None).unwrap();
    client.cancel_reservation(&res.token).unwrap();
    let place = client
        .places()
        .unwrap()
        .into_iter()
        .find(|p| &p.name == name)
        .unwrap();
    assert_eq!(acquired_by(&place), None);
}

#[test]
fn no_coordinator_is_a_clear_error_within_seconds() {
    let address = Address::parse(&format!("127.0.0.1:{}", free_port())).unwrap();
    let start = Instant::now();
    let e = Coordinator::connect(&address, "h/u", Duration::from_secs(5))
        .err()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(matches!(e, LabgridError::Unreachable { .. }), "{e}");
    assert!(e.to_string().contains("is not reachable"), "{e}");
}
