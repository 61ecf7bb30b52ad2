"""The core app of Samarbeidsportalen: people, places, the policy, audit, archive and the
generic pages every feature app builds on. It imports no feature app (issue #15); the project
package (settings, root URLs, WSGI, Celery) is `config/`."""
