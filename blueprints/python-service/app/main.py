"""The {{appName}} web service: a health endpoint for the load balancer and a greeting."""
from flask import Flask, jsonify, request


def create_app() -> Flask:
    """Builds the Flask application."""
    app = Flask(__name__)

    @app.get("/health")
    @app.get("/<path:prefix>/health")
    def health(prefix: str = ""):
        return jsonify(status="ok")

    @app.get("/")
    @app.get("/<path:path>")
    def hello(path: str = ""):
        return jsonify(app="{{appName}}", path=request.path)

    return app


app = create_app()
