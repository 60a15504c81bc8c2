"""The 28 self-assessment skills, 7 in each of four dimensions.

Decks name these ids in `skills`; the self-assessment rates them 1-5.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    dimension: str


DIMENSIONS: dict[str, list[tuple[str, str]]] = {
    "Systems & Architecture": [
        ("client-server", "Client-server architecture"),
        ("microservices-vs-monolith", "Microservices vs monolith trade-offs"),
        ("scalability", "System scalability"),
        ("database-types", "Database types (SQL vs NoSQL) and use cases"),
        ("caching", "Caching strategies"),
        ("load-balancing", "Load balancing and high availability"),
        ("api-design", "API design principles (REST, GraphQL)"),
    ],
    "Development Practices": [
        ("version-control", "Version control (Git)"),
        ("ci-cd", "CI/CD pipelines"),
        ("testing-types", "Testing types (unit, integration, end-to-end)"),
        ("code-review", "Code review"),
        ("technical-debt", "Technical debt"),
        ("estimation", "Development estimation"),
        ("agile", "Agile/Scrum technical aspects"),
    ],
    "Infrastructure & Operations": [
        ("cloud-basics", "Cloud computing basics"),
        ("containers", "Containers (Docker)"),
        ("orchestration", "Orchestration (Kubernetes)"),
        ("infrastructure-as-code", "Infrastructure as code"),
        ("observability", "Monitoring and observability"),
        ("security", "Security fundamentals"),
        ("performance", "Performance optimization"),
    ],
    "Data & Analytics": [
        ("sql", "SQL"),
        ("data-modeling", "Data modeling"),
        ("event-tracking", "Analytics implementation (event tracking)"),
        ("ab-testing", "A/B testing"),
        ("data-pipelines", "Data pipelines"),
        ("bi-tools", "Business-intelligence tools"),
        ("ml-fundamentals", "Machine-learning fundamentals"),
    ],
}

SKILLS: dict[str, Skill] = {
    skill_id: Skill(skill_id, name, dimension)
    for dimension, entries in DIMENSIONS.items()
    for skill_id, name in entries
}
