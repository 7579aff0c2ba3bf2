"""Tests of the {{appName}} web service, through Flask's test client."""
from app.main import create_app


def test_health_answers_ok():
    client = create_app().test_client()
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_other_paths_are_greeted():
    client = create_app().test_client()
    response = client.get("/{{appName}}/orders?page=2")
    assert response.status_code == 200
    assert response.get_json() == {"app": "{{appName}}", "path": "/{{appName}}/orders"}
