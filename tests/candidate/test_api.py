"""Candidates through the REST API: create, dedupe-merge, read, update, list, delete."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.fixtures.app import ApiUser

JANE = {
    "full_name": "Jane Q. Doe",
    "emails": ["Jane.Doe@Example.com"],
    "phones": ["(415) 555-0132"],
    "linkedin_url": "http://uk.linkedin.com/in/JaneDoe/?trk=abc",
    "location": {"city": "San Francisco", "region": "CA", "country": "USA"},
    "headline": "Staff Data Engineer",
    "skills": ["Python", "SQL", "python"],
    "experiences": [
        {"title": "Staff Data Engineer", "company": "Stripe", "start_date": "2021-03-01"},
        {
            "title": "Data Engineer",
            "company": "Airbnb",
            "start_date": "2017-06-01",
            "end_date": "2021-02-01",
        },
    ],
    "educations": [{"school": "UC Berkeley", "degree": "BSc", "field_of_study": "Statistics"}],
}


def create(client: TestClient, user: ApiUser, body: dict[str, object]) -> dict[str, object]:
    response = client.post("/api/v1/candidates", json=body, headers=user.headers)
    assert response.status_code in (200, 201), response.text
    result: dict[str, object] = response.json()
    return result


def test_create_normalises_every_field(client: TestClient, alice: ApiUser) -> None:
    result = create(client, alice, JANE)
    assert result["merged"] is False
    candidate = result["candidate"]
    assert isinstance(candidate, dict)
    assert candidate["emails"] == ["jane.doe@example.com"]
    assert candidate["phones"] == ["+14155550132"]
    assert candidate["linkedin_url"] == "https://www.linkedin.com/in/janedoe"
    assert candidate["location"]["country_code"] == "US"
    assert candidate["first_name"] == "Jane"
    assert candidate["last_name"] == "Doe"
    assert candidate["skills"] == ["Python", "SQL"]
    assert candidate["experiences"][0]["is_current"] is True
    assert candidate["experiences"][1]["is_current"] is False


def test_duplicate_by_email_is_merged_not_created(client: TestClient, alice: ApiUser) -> None:
    first = create(client, alice, JANE)["candidate"]
    assert isinstance(first, dict)
    response = client.post(
        "/api/v1/candidates",
        json={
            "full_name": "Jane Doe",
            "emails": ["JANE.DOE@example.com", "jane@home.example"],
            "phones": ["+44 20 7946 0958"],
            "experiences": [
                {"title": "Analyst", "company": "Deloitte", "start_date": "2015-01-01"}
            ],
        },
        headers=alice.headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["merged"] is True and body["merged_into_id"] == first["id"]
    merged = body["candidate"]
    assert merged["emails"] == ["jane.doe@example.com", "jane@home.example"]
    assert merged["phones"] == ["+14155550132", "+442079460958"]
    assert [e["company"] for e in merged["experiences"]] == ["Stripe", "Airbnb", "Deloitte"]
    listing = client.get("/api/v1/candidates", headers=alice.headers).json()
    assert listing["total"] == 1


def test_duplicate_by_linkedin_variant_is_merged(client: TestClient, alice: ApiUser) -> None:
    first = create(client, alice, JANE)["candidate"]
    assert isinstance(first, dict)
    again = create(
        client,
        alice,
        {"full_name": "J. Doe", "linkedin_url": "https://m.linkedin.com/in/janedoe#about"},
    )
    assert again["merged"] is True
    assert again["merged_into_id"] == first["id"]


def test_timeline_records_creation_and_merge(client: TestClient, alice: ApiUser) -> None:
    first = create(client, alice, JANE)["candidate"]
    assert isinstance(first, dict)
    create(client, alice, {"full_name": "Jane", "emails": ["jane.doe@example.com", "j@x.example"]})
    events = client.get(f"/api/v1/candidates/{first['id']}/timeline", headers=alice.headers).json()
    assert [e["type"] for e in events] == ["candidate.merged", "candidate.created"]
    assert events[0]["data"]["added"]["emails"] == ["j@x.example"]


def test_validation_error_names_the_field(client: TestClient, alice: ApiUser) -> None:
    response = client.post(
        "/api/v1/candidates",
        json={"full_name": "X", "emails": ["not-an-email"]},
        headers=alice.headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["details"]["field"] == "emails[0]"
    assert "emails[0]" in body["message"]
    response = client.post(
        "/api/v1/candidates", json={"full_name": "X", "colour": "red"}, headers=alice.headers
    )
    assert response.status_code == 422
    assert response.json()["details"]["errors"][0]["field"] == "colour"


def test_non_profile_linkedin_url_is_rejected(client: TestClient, alice: ApiUser) -> None:
    response = client.post(
        "/api/v1/candidates",
        json={"full_name": "X", "linkedin_url": "https://www.linkedin.com/company/stripe"},
        headers=alice.headers,
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "linkedin_url"


def test_patch_updates_only_given_fields(client: TestClient, alice: ApiUser) -> None:
    candidate = create(client, alice, JANE)["candidate"]
    assert isinstance(candidate, dict)
    url = f"/api/v1/candidates/{candidate['id']}"
    response = client.patch(url, json={"headline": "Principal Engineer"}, headers=alice.headers)
    assert response.status_code == 200
    updated = response.json()
    assert updated["headline"] == "Principal Engineer"
    assert updated["emails"] == candidate["emails"]
    assert updated["experiences"] == candidate["experiences"]


def test_patch_refuses_email_of_another_candidate(client: TestClient, alice: ApiUser) -> None:
    create(client, alice, JANE)
    other = create(client, alice, {"full_name": "Max Mustermann", "emails": ["max@example.de"]})
    other_candidate = other["candidate"]
    assert isinstance(other_candidate, dict)
    response = client.patch(
        f"/api/v1/candidates/{other_candidate['id']}",
        json={"emails": ["jane.doe@example.com"]},
        headers=alice.headers,
    )
    assert response.status_code == 409
    assert "already belongs" in response.json()["message"]


def test_list_search_filters_and_cursor(client: TestClient, alice: ApiUser) -> None:
    for index in range(7):
        create(
            client,
            alice,
            {
                "full_name": f"Person {index}",
                "emails": [f"p{index}@example.com"],
                "skills": ["Go"] if index % 2 else ["Rust"],
                "location": {"country": "Germany" if index < 3 else "France"},
            },
        )
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/candidates", params=params, headers=alice.headers).json()
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7 and len(set(seen)) == 7
    rust = client.get("/api/v1/candidates?skill=rust", headers=alice.headers).json()
    assert rust["total"] == 4
    german = client.get("/api/v1/candidates?country=DE", headers=alice.headers).json()
    assert german["total"] == 3
    found = client.get("/api/v1/candidates?q=person 5", headers=alice.headers).json()
    assert [item["full_name"] for item in found["items"]] == ["Person 5"]


def test_delete(client: TestClient, alice: ApiUser) -> None:
    candidate = create(client, alice, JANE)["candidate"]
    assert isinstance(candidate, dict)
    url = f"/api/v1/candidates/{candidate['id']}"
    assert client.delete(url, headers=alice.headers).status_code == 204
    assert client.get(url, headers=alice.headers).status_code == 404


def test_requests_without_a_valid_token_are_refused(client: TestClient, alice: ApiUser) -> None:
    assert client.get("/api/v1/candidates").status_code == 401
    bad = {"Authorization": "Bearer op_not-a-real-token"}
    response = client.get("/api/v1/candidates", headers=bad)
    assert response.status_code == 401
    assert "openpin token create" in response.json()["hint"]
