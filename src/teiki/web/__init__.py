"""The dashboard (FastAPI + Jinja2 + Plotly): ``teiki.web.app.create_app(db)``, served by ``teiki serve``."""
