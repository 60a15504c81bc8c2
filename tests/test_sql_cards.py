"""Every SQL card in the data deck is gradeable.

For each `kind = "sql"` card: the reference solution passes against its own fixture,
the query in the model answer passes, plausible mistakes are judged wrong, and
correct queries written differently are judged right.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tpmdrill.decks import Card, load_deck
from tpmdrill.grading import grade
from tpmdrill.sqlcheck import check, fixture_sandbox
from tpmdrill.sqlschema import schema_of

DECK_PATH = Path(__file__).resolve().parent.parent / "decks" / "data.toml"
SQL_CARDS: dict[str, Card] = {card.id: card for card in load_deck(DECK_PATH).cards if card.kind == "sql"}

# Per card id: "wrong" holds plausible mistakes (label -> query), "right" holds
# correct queries written differently from the reference solution.
ANSWERS: dict[str, dict[str, dict[str, str]]] = {
    "sql-orders-per-month": {
        "wrong": {
            "counts-every-status": """
                SELECT strftime('%Y-%m', order_ts), COUNT(*), SUM(amount)
                FROM orders GROUP BY 1""",
            "month-by-day-of-month": """
                SELECT strftime('%m', order_ts), COUNT(*), SUM(amount)
                FROM orders WHERE status = 'completed' GROUP BY 1""",
        },
        "right": {
            "substr-month": """
                SELECT substr(order_ts, 1, 7) AS m, COUNT(order_id), TOTAL(amount)
                FROM orders WHERE status = 'completed' GROUP BY m""",
        },
    },
    "sql-top-users-by-activity": {
        "wrong": {
            "counts-rows": """
                SELECT user_id, COUNT(*) AS n FROM activity
                WHERE user_id IS NOT NULL AND activity_date LIKE '2024-06-%'
                GROUP BY user_id ORDER BY n DESC, user_id LIMIT 3""",
            "no-tie-break": """
                SELECT user_id, COUNT(DISTINCT activity_date) AS n FROM activity
                WHERE user_id IS NOT NULL AND activity_date LIKE '2024-06-%'
                GROUP BY user_id ORDER BY n DESC, user_id DESC LIMIT 3""",
        },
        "right": {
            "distinct-days-subquery": """
                SELECT user_id, COUNT(*) AS days
                FROM (SELECT DISTINCT user_id, activity_date FROM activity
                      WHERE activity_date >= '2024-06-01' AND activity_date < '2024-07-01')
                WHERE user_id IS NOT NULL
                GROUP BY user_id ORDER BY days DESC, user_id ASC LIMIT 3""",
        },
    },
    "sql-orders-per-user-distribution": {
        "wrong": {
            "drops-users-without-orders": """
                SELECT n, COUNT(*) FROM (
                    SELECT user_id, COUNT(*) AS n FROM orders
                    WHERE status = 'completed' GROUP BY user_id)
                GROUP BY n""",
            "status-in-where": """
                SELECT n, COUNT(*) FROM (
                    SELECT u.user_id, COUNT(o.order_id) AS n FROM users u
                    LEFT JOIN orders o ON o.user_id = u.user_id
                    WHERE o.status = 'completed' GROUP BY u.user_id)
                GROUP BY n""",
            "count-star": """
                SELECT n, COUNT(*) FROM (
                    SELECT u.user_id, COUNT(*) AS n FROM users u
                    LEFT JOIN orders o ON o.user_id = u.user_id AND o.status = 'completed'
                    GROUP BY u.user_id)
                GROUP BY n""",
        },
        "right": {
            "correlated-subquery": """
                SELECT n, COUNT(*) FROM (
                    SELECT (SELECT COUNT(*) FROM orders o
                            WHERE o.user_id = u.user_id AND o.status = 'completed') AS n
                    FROM users u)
                GROUP BY n""",
        },
    },
    "sql-revenue-by-country": {
        "wrong": {
            "drops-the-31st-evening": """
                SELECT u.country, SUM(o.amount) FROM orders o JOIN users u USING (user_id)
                WHERE o.status = 'completed' AND o.order_ts BETWEEN '2024-01-01' AND '2024-01-31'
                GROUP BY u.country""",
            "every-status": """
                SELECT u.country, SUM(o.amount) FROM orders o JOIN users u USING (user_id)
                WHERE o.order_ts >= '2024-01-01' AND o.order_ts < '2024-02-01'
                GROUP BY u.country""",
        },
        "right": {
            "strftime-month": """
                SELECT country, SUM(amount) FROM users
                JOIN orders ON orders.user_id = users.user_id
                WHERE status = 'completed' AND strftime('%Y-%m', order_ts) = '2024-01'
                GROUP BY country""",
        },
    },
    "sql-experiment-conversion": {
        "wrong": {
            "counts-conversion-events": """
                WITH exposed AS (
                    SELECT user_id, MIN(variant) AS variant, MIN(exposed_at) AS first_at
                    FROM exposures
                    WHERE experiment_id = 'checkout_v2' AND user_id IS NOT NULL
                    GROUP BY user_id HAVING COUNT(DISTINCT variant) = 1
                )
                SELECT e.variant, COUNT(DISTINCT e.user_id),
                       COUNT(c.conversion_id),
                       ROUND(1.0 * COUNT(c.conversion_id) / COUNT(DISTINCT e.user_id), 4)
                FROM exposed e
                LEFT JOIN conversions c
                  ON c.user_id = e.user_id AND c.converted_at >= e.first_at
                 AND c.converted_at < '2024-03-15'
                GROUP BY e.variant""",
            "keeps-users-in-both-variants": """
                WITH exposed AS (
                    SELECT user_id, variant, MIN(exposed_at) AS first_at
                    FROM exposures
                    WHERE experiment_id = 'checkout_v2' AND user_id IS NOT NULL
                    GROUP BY user_id, variant
                )
                SELECT e.variant, COUNT(*), COUNT(c.user_id),
                       ROUND(1.0 * COUNT(c.user_id) / COUNT(*), 4)
                FROM exposed e
                LEFT JOIN (
                    SELECT DISTINCT x.user_id, x.variant FROM exposed x
                    JOIN conversions c ON c.user_id = x.user_id
                    WHERE c.converted_at >= x.first_at AND c.converted_at < '2024-03-15'
                ) c ON c.user_id = e.user_id AND c.variant = e.variant
                GROUP BY e.variant""",
            "ignores-exposure-and-end-time": """
                WITH exposed AS (
                    SELECT user_id, MIN(variant) AS variant
                    FROM exposures
                    WHERE experiment_id = 'checkout_v2' AND user_id IS NOT NULL
                    GROUP BY user_id HAVING COUNT(DISTINCT variant) = 1
                )
                SELECT e.variant, COUNT(*),
                       SUM(e.user_id IN (SELECT user_id FROM conversions
                                         WHERE user_id IS NOT NULL)),
                       ROUND(1.0 * SUM(e.user_id IN (SELECT user_id FROM conversions
                                                     WHERE user_id IS NOT NULL)) / COUNT(*), 4)
                FROM exposed e GROUP BY e.variant""",
            "uses-last-exposure": """
                WITH exposed AS (
                    SELECT user_id, MIN(variant) AS variant, MAX(exposed_at) AS last_at
                    FROM exposures
                    WHERE experiment_id = 'checkout_v2' AND user_id IS NOT NULL
                    GROUP BY user_id HAVING COUNT(DISTINCT variant) = 1
                )
                SELECT e.variant, COUNT(*),
                       SUM(EXISTS (SELECT 1 FROM conversions c WHERE c.user_id = e.user_id
                                   AND c.converted_at >= e.last_at
                                   AND c.converted_at < '2024-03-15')),
                       ROUND(1.0 * SUM(EXISTS (SELECT 1 FROM conversions c
                                   WHERE c.user_id = e.user_id AND c.converted_at >= e.last_at
                                   AND c.converted_at < '2024-03-15')) / COUNT(*), 4)
                FROM exposed e GROUP BY e.variant""",
            "inner-join-drops-non-converters": """
                WITH exposed AS (
                    SELECT user_id, MIN(variant) AS variant, MIN(exposed_at) AS first_at
                    FROM exposures
                    WHERE experiment_id = 'checkout_v2' AND user_id IS NOT NULL
                    GROUP BY user_id HAVING COUNT(DISTINCT variant) = 1
                )
                SELECT e.variant, COUNT(DISTINCT e.user_id), COUNT(DISTINCT c.user_id),
                       ROUND(1.0 * COUNT(DISTINCT c.user_id) / COUNT(DISTINCT e.user_id), 4)
                FROM exposed e
                JOIN conversions c ON c.user_id = e.user_id
                WHERE c.converted_at >= e.first_at AND c.converted_at < '2024-03-15'
                GROUP BY e.variant""",
        },
        "right": {
            "exists-subquery-reversed-order": """
                SELECT variant, COUNT(*) AS n_users, SUM(did) AS conv,
                       ROUND(SUM(did) * 1.0 / COUNT(*), 4) AS rate
                FROM (
                    SELECT x.user_id, x.variant,
                           EXISTS (SELECT 1 FROM conversions c
                                   WHERE c.user_id = x.user_id
                                     AND c.converted_at >= x.first_at
                                     AND c.converted_at < '2024-03-15 00:00:00') AS did
                    FROM (SELECT user_id, MAX(variant) AS variant, MIN(exposed_at) AS first_at
                          FROM exposures
                          WHERE experiment_id = 'checkout_v2' AND user_id IS NOT NULL
                          GROUP BY user_id
                          HAVING MIN(variant) = MAX(variant)) AS x
                ) AS per_user
                GROUP BY variant
                ORDER BY variant DESC""",
            "left-join-count-distinct": """
                WITH clean AS (
                    SELECT user_id FROM exposures
                    WHERE experiment_id = 'checkout_v2' AND user_id IS NOT NULL
                    GROUP BY user_id HAVING COUNT(DISTINCT variant) = 1
                ), firsts AS (
                    SELECT ex.user_id, ex.variant, MIN(ex.exposed_at) AS first_at
                    FROM exposures ex JOIN clean USING (user_id)
                    WHERE ex.experiment_id = 'checkout_v2'
                    GROUP BY ex.user_id, ex.variant
                )
                SELECT f.variant, COUNT(DISTINCT f.user_id), COUNT(DISTINCT c.user_id),
                       ROUND(CAST(COUNT(DISTINCT c.user_id) AS REAL)
                             / COUNT(DISTINCT f.user_id), 4)
                FROM firsts f
                LEFT JOIN conversions c
                  ON c.user_id = f.user_id
                 AND c.converted_at BETWEEN f.first_at AND '2024-03-14 23:59:59'
                GROUP BY f.variant""",
        },
    },
    "sql-funnel-steps": {
        "wrong": {
            "counts-events": """
                SELECT CASE event_name WHEN 'product_view' THEN 1 WHEN 'add_to_cart' THEN 2
                                       WHEN 'checkout_start' THEN 3 ELSE 4 END,
                       event_name, COUNT(*)
                FROM events
                WHERE user_id IS NOT NULL
                  AND event_time >= '2024-05-01' AND event_time < '2024-05-08'
                GROUP BY event_name""",
            "open-funnel-no-previous-step": """
                SELECT CASE event_name WHEN 'product_view' THEN 1 WHEN 'add_to_cart' THEN 2
                                       WHEN 'checkout_start' THEN 3 ELSE 4 END,
                       event_name, COUNT(DISTINCT user_id)
                FROM events
                WHERE event_time >= '2024-05-01' AND event_time < '2024-05-08'
                GROUP BY event_name""",
            "drops-last-day": """
                WITH flags AS (
                    SELECT user_id,
                           MAX(event_name = 'product_view') AS v,
                           MAX(event_name = 'add_to_cart') AS a,
                           MAX(event_name = 'checkout_start') AS c,
                           MAX(event_name = 'purchase') AS p
                    FROM events
                    WHERE user_id IS NOT NULL
                      AND event_time BETWEEN '2024-05-01' AND '2024-05-07'
                    GROUP BY user_id
                )
                SELECT 1, 'product_view', SUM(v) FROM flags
                UNION ALL SELECT 2, 'add_to_cart', SUM(v AND a) FROM flags
                UNION ALL SELECT 3, 'checkout_start', SUM(v AND a AND c) FROM flags
                UNION ALL SELECT 4, 'purchase', SUM(v AND a AND c AND p) FROM flags""",
        },
        "right": {
            "per-user-flags": """
                WITH flags AS (
                    SELECT user_id,
                           MAX(event_name = 'product_view') AS v,
                           MAX(event_name = 'add_to_cart') AS a,
                           MAX(event_name = 'checkout_start') AS c,
                           MAX(event_name = 'purchase') AS p
                    FROM events
                    WHERE user_id IS NOT NULL
                      AND date(event_time) BETWEEN '2024-05-01' AND '2024-05-07'
                    GROUP BY user_id
                )
                SELECT 4 AS n, 'purchase' AS name, SUM(v AND a AND c AND p) FROM flags
                UNION ALL SELECT 3, 'checkout_start', SUM(v AND a AND c) FROM flags
                UNION ALL SELECT 2, 'add_to_cart', SUM(v AND a) FROM flags
                UNION ALL SELECT 1, 'product_view', SUM(v) FROM flags""",
            "steps-table-join": """
                WITH steps(n, name) AS (
                    VALUES (1, 'product_view'), (2, 'add_to_cart'),
                           (3, 'checkout_start'), (4, 'purchase')
                ),
                reached AS (
                    SELECT e.user_id, MAX(s.n) AS top_step
                    FROM (SELECT DISTINCT user_id, event_name FROM events
                          WHERE user_id IS NOT NULL
                            AND substr(event_time, 1, 10) BETWEEN '2024-05-01' AND '2024-05-07') e
                    JOIN steps s ON s.name = e.event_name
                    WHERE NOT EXISTS (
                        SELECT 1 FROM steps earlier
                        WHERE earlier.n < s.n
                          AND NOT EXISTS (
                              SELECT 1 FROM events x
                              WHERE x.user_id = e.user_id AND x.event_name = earlier.name
                                AND substr(x.event_time, 1, 10)
                                    BETWEEN '2024-05-01' AND '2024-05-07'))
                    GROUP BY e.user_id
                )
                SELECT s.n, s.name, COUNT(r.user_id)
                FROM steps s LEFT JOIN reached r ON r.top_step >= s.n
                GROUP BY s.n, s.name""",
        },
    },
    "sql-seven-day-retention": {
        "wrong": {
            "window-in-where-inner-join": """
                SELECT u.signup_date, COUNT(DISTINCT u.user_id), COUNT(DISTINCT a.user_id),
                       ROUND(1.0 * COUNT(DISTINCT a.user_id) / COUNT(DISTINCT u.user_id), 4)
                FROM users u LEFT JOIN activity a ON a.user_id = u.user_id
                WHERE a.activity_date BETWEEN date(u.signup_date, '+1 day')
                                          AND date(u.signup_date, '+7 days')
                GROUP BY u.signup_date""",
            "counts-signup-day": """
                SELECT u.signup_date, COUNT(DISTINCT u.user_id), COUNT(DISTINCT a.user_id),
                       ROUND(1.0 * COUNT(DISTINCT a.user_id) / COUNT(DISTINCT u.user_id), 4)
                FROM users u LEFT JOIN activity a
                  ON a.user_id = u.user_id
                 AND a.activity_date BETWEEN u.signup_date AND date(u.signup_date, '+7 days')
                GROUP BY u.signup_date""",
            "window-one-day-too-long": """
                SELECT u.signup_date, COUNT(DISTINCT u.user_id), COUNT(DISTINCT a.user_id),
                       ROUND(1.0 * COUNT(DISTINCT a.user_id) / COUNT(DISTINCT u.user_id), 4)
                FROM users u LEFT JOIN activity a
                  ON a.user_id = u.user_id
                 AND a.activity_date > u.signup_date
                 AND a.activity_date <= date(u.signup_date, '+8 days')
                GROUP BY u.signup_date""",
            "counts-activity-rows": """
                SELECT u.signup_date, COUNT(DISTINCT u.user_id), COUNT(a.user_id),
                       ROUND(1.0 * COUNT(a.user_id) / COUNT(DISTINCT u.user_id), 4)
                FROM users u LEFT JOIN activity a
                  ON a.user_id = u.user_id
                 AND a.activity_date BETWEEN date(u.signup_date, '+1 day')
                                         AND date(u.signup_date, '+7 days')
                GROUP BY u.signup_date""",
        },
        "right": {
            "exists-per-user": """
                WITH per_user AS (
                    SELECT u.user_id, u.signup_date AS cohort,
                           EXISTS (SELECT 1 FROM activity a
                                   WHERE a.user_id = u.user_id
                                     AND julianday(a.activity_date) - julianday(u.signup_date)
                                         BETWEEN 1 AND 7) AS kept
                    FROM users u
                )
                SELECT cohort, COUNT(*), SUM(kept), ROUND(AVG(kept), 4)
                FROM per_user GROUP BY cohort ORDER BY cohort DESC""",
        },
    },
    "sql-dau-mau": {
        "wrong": {
            "window-31-days": """
                WITH days AS (SELECT DISTINCT activity_date AS day FROM activity
                              WHERE activity_date BETWEEN '2024-06-28' AND '2024-06-30')
                SELECT d.day,
                       COUNT(DISTINCT CASE WHEN a.activity_date = d.day THEN a.user_id END),
                       COUNT(DISTINCT a.user_id),
                       ROUND(1.0 * COUNT(DISTINCT CASE WHEN a.activity_date = d.day
                                                      THEN a.user_id END)
                             / COUNT(DISTINCT a.user_id), 4)
                FROM days d JOIN activity a
                  ON a.activity_date BETWEEN date(d.day, '-30 days') AND d.day
                GROUP BY d.day""",
            "counts-rows-for-dau": """
                WITH days AS (SELECT DISTINCT activity_date AS day FROM activity
                              WHERE activity_date BETWEEN '2024-06-28' AND '2024-06-30')
                SELECT d.day,
                       (SELECT COUNT(*) FROM activity x WHERE x.activity_date = d.day),
                       COUNT(DISTINCT a.user_id),
                       ROUND(1.0 * (SELECT COUNT(*) FROM activity x
                                    WHERE x.activity_date = d.day)
                             / COUNT(DISTINCT a.user_id), 4)
                FROM days d JOIN activity a
                  ON a.activity_date BETWEEN date(d.day, '-29 days') AND d.day
                GROUP BY d.day""",
            "calendar-month": """
                WITH days AS (SELECT DISTINCT activity_date AS day FROM activity
                              WHERE activity_date BETWEEN '2024-06-28' AND '2024-06-30')
                SELECT d.day,
                       COUNT(DISTINCT CASE WHEN a.activity_date = d.day THEN a.user_id END),
                       COUNT(DISTINCT a.user_id),
                       ROUND(1.0 * COUNT(DISTINCT CASE WHEN a.activity_date = d.day
                                                      THEN a.user_id END)
                             / COUNT(DISTINCT a.user_id), 4)
                FROM days d JOIN activity a
                  ON a.activity_date BETWEEN date(d.day, 'start of month') AND d.day
                GROUP BY d.day""",
        },
        "right": {
            "correlated-subqueries": """
                SELECT day, dau, mau, ROUND(CAST(dau AS REAL) / mau, 4)
                FROM (
                    SELECT d.day,
                           (SELECT COUNT(DISTINCT user_id) FROM activity
                            WHERE activity_date = d.day) AS dau,
                           (SELECT COUNT(DISTINCT user_id) FROM activity
                            WHERE julianday(d.day) - julianday(activity_date)
                                  BETWEEN 0 AND 29) AS mau
                    FROM (SELECT '2024-06-30' AS day UNION ALL SELECT '2024-06-29'
                          UNION ALL SELECT '2024-06-28') AS d
                )""",
        },
    },
    "sql-top-products-per-category": {
        "wrong": {
            "row-number-drops-ties": """
                SELECT category, name, units, rn FROM (
                    SELECT p.category, p.name, SUM(oi.quantity) AS units,
                           ROW_NUMBER() OVER (PARTITION BY p.category
                                              ORDER BY SUM(oi.quantity) DESC) AS rn
                    FROM order_items oi
                    JOIN orders o ON o.order_id = oi.order_id
                    JOIN products p ON p.product_id = oi.product_id
                    WHERE o.status = 'completed'
                    GROUP BY p.product_id
                ) WHERE rn <= 2""",
            "dense-rank-no-gap": """
                SELECT category, name, units, r FROM (
                    SELECT p.category, p.name, SUM(oi.quantity) AS units,
                           DENSE_RANK() OVER (PARTITION BY p.category
                                              ORDER BY SUM(oi.quantity) DESC) AS r
                    FROM order_items oi
                    JOIN orders o ON o.order_id = oi.order_id
                    JOIN products p ON p.product_id = oi.product_id
                    WHERE o.status = 'completed'
                    GROUP BY p.product_id
                ) WHERE r <= 2""",
            "all-order-statuses": """
                SELECT category, name, units, r FROM (
                    SELECT p.category, p.name, SUM(oi.quantity) AS units,
                           RANK() OVER (PARTITION BY p.category
                                        ORDER BY SUM(oi.quantity) DESC) AS r
                    FROM order_items oi
                    JOIN products p ON p.product_id = oi.product_id
                    GROUP BY p.product_id
                ) WHERE r <= 2""",
            "rank-across-all-categories": """
                SELECT category, name, units, r FROM (
                    SELECT p.category, p.name, SUM(oi.quantity) AS units,
                           RANK() OVER (ORDER BY SUM(oi.quantity) DESC) AS r
                    FROM order_items oi
                    JOIN orders o ON o.order_id = oi.order_id
                    JOIN products p ON p.product_id = oi.product_id
                    WHERE o.status = 'completed'
                    GROUP BY p.product_id
                ) WHERE r <= 2""",
        },
        "right": {
            "count-of-better-products": """
                WITH u AS (
                    SELECT p.product_id, p.category, p.name,
                           SUM(oi.quantity) AS units
                    FROM products p
                    JOIN order_items oi USING (product_id)
                    WHERE oi.order_id IN (SELECT order_id FROM orders
                                          WHERE status = 'completed')
                    GROUP BY p.product_id, p.category, p.name
                )
                SELECT a.category, a.name, a.units,
                       1 + (SELECT COUNT(*) FROM u b
                            WHERE b.category = a.category AND b.units > a.units) AS rnk
                FROM u a
                WHERE (SELECT COUNT(*) FROM u b
                       WHERE b.category = a.category AND b.units > a.units) < 2
                ORDER BY a.units""",
        },
    },
    "sql-median-order-by-month": {
        "wrong": {
            "mean-not-median": """
                SELECT strftime('%Y-%m', order_ts), ROUND(AVG(amount), 2)
                FROM orders WHERE status = 'completed'
                GROUP BY 1""",
            "lower-middle-only": """
                WITH c AS (
                    SELECT strftime('%Y-%m', order_ts) AS m, amount,
                           ROW_NUMBER() OVER (PARTITION BY strftime('%Y-%m', order_ts)
                                              ORDER BY amount) AS rn,
                           COUNT(*) OVER (PARTITION BY strftime('%Y-%m', order_ts)) AS n
                    FROM orders WHERE status = 'completed'
                )
                SELECT m, ROUND(amount, 2) FROM c WHERE rn = (n + 1) / 2""",
            "all-statuses": """
                WITH c AS (
                    SELECT strftime('%Y-%m', order_ts) AS m, amount,
                           ROW_NUMBER() OVER (PARTITION BY strftime('%Y-%m', order_ts)
                                              ORDER BY amount) AS rn,
                           COUNT(*) OVER (PARTITION BY strftime('%Y-%m', order_ts)) AS n
                    FROM orders
                )
                SELECT m, ROUND(AVG(amount), 2) FROM c
                WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY m""",
        },
        "right": {
            "ascending-and-descending-row-numbers": """
                SELECT month, ROUND(AVG(amount), 2) AS med
                FROM (
                    SELECT substr(order_ts, 1, 7) AS month, amount,
                           ROW_NUMBER() OVER (PARTITION BY substr(order_ts, 1, 7)
                                              ORDER BY amount, order_id) AS up,
                           ROW_NUMBER() OVER (PARTITION BY substr(order_ts, 1, 7)
                                              ORDER BY amount DESC, order_id DESC) AS down
                    FROM orders
                    WHERE status = 'completed'
                ) AS t
                WHERE abs(up - down) <= 1
                GROUP BY month
                ORDER BY month DESC""",
        },
    },
    "sql-dedupe-events": {
        "wrong": {
            "counts-rows": """
                SELECT event_name, COUNT(*), COUNT(DISTINCT user_id)
                FROM events
                WHERE event_time >= '2024-07-01' AND event_time < '2024-07-02'
                GROUP BY event_name""",
            "select-distinct-whole-row": """
                SELECT event_name, COUNT(*), COUNT(DISTINCT user_id)
                FROM (SELECT DISTINCT * FROM events)
                WHERE event_time >= '2024-07-01' AND event_time < '2024-07-02'
                GROUP BY event_name""",
            "filters-on-received-time": """
                SELECT event_name, COUNT(DISTINCT event_id), COUNT(DISTINCT user_id)
                FROM events
                WHERE received_time >= '2024-07-01' AND received_time < '2024-07-02'
                GROUP BY event_name""",
            "drops-anonymous-events": """
                SELECT event_name, COUNT(DISTINCT event_id), COUNT(DISTINCT user_id)
                FROM events
                WHERE user_id IS NOT NULL
                  AND event_time >= '2024-07-01' AND event_time < '2024-07-02'
                GROUP BY event_name""",
        },
        "right": {
            "row-number-first-copy": """
                WITH ranked AS (
                    SELECT *, ROW_NUMBER() OVER (PARTITION BY event_id
                                                 ORDER BY received_time) AS copy_no
                    FROM events
                )
                SELECT event_name AS name, COUNT(*) AS n, COUNT(DISTINCT user_id) AS u
                FROM ranked
                WHERE copy_no = 1 AND date(event_time) = '2024-07-01'
                GROUP BY event_name
                ORDER BY n DESC""",
        },
    },
    "sql-late-arriving-events": {
        "wrong": {
            "counts-copies": """
                SELECT event_name,
                       SUM(received_time < '2024-07-02 02:00:00'),
                       SUM(received_time >= '2024-07-02 02:00:00')
                FROM events
                WHERE event_time >= '2024-07-01' AND event_time < '2024-07-02'
                GROUP BY event_name""",
            "boundary-counted-on-time": """
                WITH f AS (
                    SELECT event_id, event_name, MIN(received_time) AS r FROM events
                    WHERE event_time >= '2024-07-01' AND event_time < '2024-07-02'
                    GROUP BY event_id, event_name
                )
                SELECT event_name, SUM(r <= '2024-07-02 02:00:00'),
                       SUM(r > '2024-07-02 02:00:00')
                FROM f GROUP BY event_name""",
            "uses-last-copy": """
                WITH f AS (
                    SELECT event_id, event_name, MAX(received_time) AS r FROM events
                    WHERE event_time >= '2024-07-01' AND event_time < '2024-07-02'
                    GROUP BY event_id, event_name
                )
                SELECT event_name, SUM(r < '2024-07-02 02:00:00'),
                       SUM(r >= '2024-07-02 02:00:00')
                FROM f GROUP BY event_name""",
        },
        "right": {
            "exists-on-time-copy": """
                SELECT e.event_name,
                       COUNT(DISTINCT CASE WHEN EXISTS (
                           SELECT 1 FROM events c WHERE c.event_id = e.event_id
                             AND c.received_time < '2024-07-02 02:00:00')
                           THEN e.event_id END) AS seen,
                       COUNT(DISTINCT CASE WHEN NOT EXISTS (
                           SELECT 1 FROM events c WHERE c.event_id = e.event_id
                             AND c.received_time < '2024-07-02 02:00:00')
                           THEN e.event_id END) AS missed
                FROM events e
                WHERE date(e.event_time) = '2024-07-01'
                GROUP BY e.event_name
                ORDER BY e.event_name DESC""",
        },
    },
    "sql-revenue-per-paying-user": {
        "wrong": {
            "divides-by-all-users": """
                SELECT SUM(amount), (SELECT COUNT(*) FROM users),
                       ROUND(SUM(amount) / (SELECT COUNT(*) FROM users), 2)
                FROM orders
                WHERE status = 'completed'
                  AND order_ts >= '2024-01-01' AND order_ts < '2024-02-01'""",
            "includes-refunds": """
                SELECT SUM(amount), COUNT(DISTINCT user_id),
                       ROUND(SUM(amount) / COUNT(DISTINCT user_id), 2)
                FROM orders
                WHERE status <> 'cancelled'
                  AND order_ts >= '2024-01-01' AND order_ts < '2024-02-01'""",
            "drops-31-january": """
                SELECT SUM(amount), COUNT(DISTINCT user_id),
                       ROUND(SUM(amount) / COUNT(DISTINCT user_id), 2)
                FROM orders
                WHERE status = 'completed'
                  AND order_ts BETWEEN '2024-01-01' AND '2024-01-31'""",
            "counts-orders-not-users": """
                SELECT SUM(amount), COUNT(*), ROUND(SUM(amount) / COUNT(*), 2)
                FROM orders
                WHERE status = 'completed'
                  AND order_ts >= '2024-01-01' AND order_ts < '2024-02-01'""",
        },
        "right": {
            "per-user-subquery": """
                WITH per_user AS (
                    SELECT user_id, SUM(amount) AS spend
                    FROM orders
                    WHERE status = 'completed' AND strftime('%Y-%m', order_ts) = '2024-01'
                    GROUP BY user_id
                )
                SELECT SUM(spend) AS rev, COUNT(*) AS payers, ROUND(AVG(spend), 2) AS arppu
                FROM per_user""",
        },
    },
    "sql-week-over-week-growth": {
        "wrong": {
            "sunday-start-weeks": """
                WITH w AS (
                    SELECT date(order_ts, '+1 day', 'weekday 0', '-7 days') AS wk,
                           SUM(amount) AS rev
                    FROM orders WHERE status = 'completed' GROUP BY 1
                )
                SELECT wk, rev, LAG(rev) OVER (ORDER BY wk),
                       ROUND(rev / LAG(rev) OVER (ORDER BY wk) - 1, 4)
                FROM w ORDER BY wk""",
            "all-order-statuses": """
                WITH w AS (
                    SELECT date(order_ts, 'weekday 0', '-6 days') AS wk, SUM(amount) AS rev
                    FROM orders GROUP BY 1
                )
                SELECT wk, rev, LAG(rev) OVER (ORDER BY wk),
                       ROUND(rev / LAG(rev) OVER (ORDER BY wk) - 1, 4)
                FROM w ORDER BY wk""",
            "difference-not-ratio": """
                WITH w AS (
                    SELECT date(order_ts, 'weekday 0', '-6 days') AS wk, SUM(amount) AS rev
                    FROM orders WHERE status = 'completed' GROUP BY 1
                )
                SELECT wk, rev, LAG(rev) OVER (ORDER BY wk),
                       rev - LAG(rev) OVER (ORDER BY wk)
                FROM w ORDER BY wk""",
            "newest-week-first": """
                WITH w AS (
                    SELECT date(order_ts, 'weekday 0', '-6 days') AS wk, SUM(amount) AS rev
                    FROM orders WHERE status = 'completed' GROUP BY 1
                )
                SELECT wk, rev, LAG(rev) OVER (ORDER BY wk),
                       ROUND(rev / LAG(rev) OVER (ORDER BY wk) - 1, 4)
                FROM w ORDER BY wk DESC""",
        },
        "right": {
            "self-join-previous-week": """
                SELECT cur.wk, cur.rev, prev.rev,
                       ROUND(cur.rev * 1.0 / prev.rev - 1, 4)
                FROM (SELECT date(order_ts, '-' || ((strftime('%w', order_ts) + 6) % 7)
                                  || ' days') AS wk, SUM(amount) AS rev
                      FROM orders WHERE status = 'completed' GROUP BY 1) AS cur
                LEFT JOIN (SELECT date(order_ts, '-' || ((strftime('%w', order_ts) + 6) % 7)
                                       || ' days') AS wk, SUM(amount) AS rev
                           FROM orders WHERE status = 'completed' GROUP BY 1) AS prev
                  ON prev.wk = date(cur.wk, '-7 days')
                ORDER BY cur.wk""",
        },
    },
    "sql-sessionize-events": {
        "wrong": {
            "gap-of-30-splits": """
                WITH d AS (SELECT DISTINCT event_id, user_id, event_time FROM events
                           WHERE user_id IS NOT NULL),
                f AS (SELECT *, CASE WHEN LAG(event_time) OVER w IS NULL
                                       OR strftime('%s', event_time)
                                          - strftime('%s', LAG(event_time) OVER w) >= 1800
                                     THEN 1 ELSE 0 END AS s
                      FROM d WINDOW w AS (PARTITION BY user_id ORDER BY event_time)),
                n AS (SELECT *, SUM(s) OVER (PARTITION BY user_id ORDER BY event_time, event_id
                                             ROWS UNBOUNDED PRECEDING) AS k FROM f)
                SELECT user_id, MIN(event_time), MAX(event_time), COUNT(*)
                FROM n GROUP BY user_id, k""",
            "keeps-duplicate-rows": """
                WITH d AS (SELECT event_id, user_id, event_time FROM events
                           WHERE user_id IS NOT NULL),
                f AS (SELECT *, CASE WHEN LAG(event_time) OVER w IS NULL
                                       OR strftime('%s', event_time)
                                          - strftime('%s', LAG(event_time) OVER w) > 1800
                                     THEN 1 ELSE 0 END AS s
                      FROM d WINDOW w AS (PARTITION BY user_id ORDER BY event_time)),
                n AS (SELECT *, SUM(s) OVER (PARTITION BY user_id ORDER BY event_time, event_id
                                             ROWS UNBOUNDED PRECEDING) AS k FROM f)
                SELECT user_id, MIN(event_time), MAX(event_time), COUNT(*)
                FROM n GROUP BY user_id, k""",
            "orders-by-received-time": """
                WITH d AS (SELECT event_id, user_id, MIN(event_time) AS event_time,
                                  MIN(received_time) AS rt
                           FROM events WHERE user_id IS NOT NULL GROUP BY event_id, user_id),
                f AS (SELECT *, CASE WHEN LAG(event_time) OVER w IS NULL
                                       OR abs(strftime('%s', event_time)
                                          - strftime('%s', LAG(event_time) OVER w)) > 1800
                                     THEN 1 ELSE 0 END AS s
                      FROM d WINDOW w AS (PARTITION BY user_id ORDER BY rt)),
                n AS (SELECT *, SUM(s) OVER (PARTITION BY user_id ORDER BY rt
                                             ROWS UNBOUNDED PRECEDING) AS k FROM f)
                SELECT user_id, MIN(event_time), MAX(event_time), COUNT(*)
                FROM n GROUP BY user_id, k""",
            "one-session-per-user-day": """
                SELECT user_id, MIN(event_time), MAX(event_time), COUNT(DISTINCT event_id)
                FROM events WHERE user_id IS NOT NULL
                GROUP BY user_id, date(event_time)""",
        },
        "right": {
            "session-start-lookup": """
                WITH d AS (
                    SELECT event_id, user_id, MIN(event_time) AS t
                    FROM events WHERE user_id IS NOT NULL
                    GROUP BY event_id, user_id
                ),
                starts AS (
                    SELECT cur.user_id, cur.t AS start_t
                    FROM d AS cur
                    WHERE NOT EXISTS (
                        SELECT 1 FROM d AS prev
                        WHERE prev.user_id = cur.user_id
                          AND prev.t <= cur.t AND prev.event_id <> cur.event_id
                          AND (julianday(cur.t) - julianday(prev.t)) * 86400.0 <= 1800.5)
                    GROUP BY cur.user_id, cur.t
                ),
                tagged AS (
                    SELECT d.user_id, d.event_id, d.t,
                           (SELECT MAX(s.start_t) FROM starts s
                            WHERE s.user_id = d.user_id AND s.start_t <= d.t) AS sess
                    FROM d
                )
                SELECT user_id AS uid, MIN(t) AS first_t, MAX(t) AS last_t,
                       COUNT(DISTINCT event_id) AS n
                FROM tagged GROUP BY user_id, sess
                ORDER BY n DESC, uid""",
        },
    },
    "sql-monthly-churn": {
        "wrong": {
            "counts-ended-subscriptions": """
                SELECT COUNT(*),
                       SUM(ended_at >= '2024-03-01' AND ended_at < '2024-04-01'),
                       ROUND(1.0 * SUM(ended_at >= '2024-03-01' AND ended_at < '2024-04-01')
                             / COUNT(*), 4)
                FROM subscriptions
                WHERE started_at <= '2024-03-01'
                  AND (ended_at IS NULL OR ended_at > '2024-03-01')""",
            "forgets-null-end-dates": """
                WITH s AS (SELECT DISTINCT customer_id FROM subscriptions
                           WHERE started_at <= '2024-03-01' AND ended_at > '2024-03-01'),
                     e AS (SELECT DISTINCT customer_id FROM subscriptions
                           WHERE started_at <= '2024-04-01' AND ended_at > '2024-04-01')
                SELECT COUNT(*), SUM(e.customer_id IS NULL),
                       ROUND(1.0 * SUM(e.customer_id IS NULL) / COUNT(*), 4)
                FROM s LEFT JOIN e USING (customer_id)""",
            "counts-march-starters": """
                WITH s AS (SELECT DISTINCT customer_id FROM subscriptions
                           WHERE started_at < '2024-04-01'
                             AND (ended_at IS NULL OR ended_at > '2024-03-01')),
                     e AS (SELECT DISTINCT customer_id FROM subscriptions
                           WHERE started_at <= '2024-04-01'
                             AND (ended_at IS NULL OR ended_at > '2024-04-01'))
                SELECT COUNT(*), SUM(e.customer_id IS NULL),
                       ROUND(1.0 * SUM(e.customer_id IS NULL) / COUNT(*), 4)
                FROM s LEFT JOIN e USING (customer_id)""",
            "switchers-count-as-churn": """
                WITH s AS (SELECT customer_id,
                                  MAX(ended_at >= '2024-03-01' AND ended_at < '2024-04-01')
                                      AS ended_in_march
                           FROM subscriptions
                           WHERE started_at <= '2024-03-01'
                             AND (ended_at IS NULL OR ended_at > '2024-03-01')
                           GROUP BY customer_id)
                SELECT COUNT(*), SUM(ended_in_march),
                       ROUND(1.0 * SUM(ended_in_march) / COUNT(*), 4)
                FROM s""",
        },
        "right": {
            "not-exists-per-customer": """
                SELECT COUNT(*) AS base,
                       SUM(NOT EXISTS (
                           SELECT 1 FROM subscriptions later
                           WHERE later.customer_id = c.customer_id
                             AND later.started_at <= '2024-04-01'
                             AND coalesce(later.ended_at, '9999-12-31') > '2024-04-01'))
                           AS lost,
                       ROUND(AVG(NOT EXISTS (
                           SELECT 1 FROM subscriptions later
                           WHERE later.customer_id = c.customer_id
                             AND later.started_at <= '2024-04-01'
                             AND coalesce(later.ended_at, '9999-12-31') > '2024-04-01')), 4)
                           AS rate
                FROM (SELECT customer_id FROM subscriptions
                      WHERE started_at <= '2024-03-01'
                        AND coalesce(ended_at, '9999-12-31') > '2024-03-01'
                      GROUP BY customer_id) AS c""",
        },
    },
}


def _cases(kind: str) -> list[tuple[str, str]]:
    return [(card_id, label) for card_id, answers in ANSWERS.items() for label in answers[kind]]


def test_deck_has_enough_sql_cards() -> None:
    assert len(SQL_CARDS) >= 16


def test_every_sql_card_has_test_answers() -> None:
    assert set(ANSWERS) == set(SQL_CARDS)
    for card_id, answers in ANSWERS.items():
        assert len(answers["wrong"]) >= 2, card_id
        assert len(answers["right"]) >= 1, card_id


@pytest.mark.parametrize("card_id", sorted(SQL_CARDS))
def test_solution_is_correct(card_id: str) -> None:
    card = SQL_CARDS[card_id]
    assert card.fixture is not None and card.solution is not None
    verdict = check(card.fixture, card.solution, card.solution, ordered=card.ordered)
    assert verdict.error is None, verdict.error
    assert verdict.correct
    assert verdict.rows > 0


@pytest.mark.parametrize("card_id", sorted(SQL_CARDS))
def test_model_answer_does_not_repeat_the_solution(card_id: str) -> None:
    """The query is shown once, under "Solution"; the model answer explains it."""
    card = SQL_CARDS[card_id]
    assert "```sql" not in card.answer
    assert card.solution is not None
    first_line = next(line for line in card.solution.splitlines() if line.strip() and not line.strip().startswith("--"))
    assert first_line.strip() not in card.answer


def _columns_read(card: Card) -> set[tuple[str, str]]:
    """(table, column) for every column the solution reads, as SQLite's authorizer reports them."""
    reads: set[tuple[str, str]] = set()

    def note(action: int, table: str | None, column: str | None, _db: str | None, _src: str | None) -> int:
        if action == sqlite3.SQLITE_READ and table and column:
            reads.add((table, column))
        return sqlite3.SQLITE_OK

    assert card.fixture is not None and card.solution is not None
    with fixture_sandbox(card.fixture) as conn:
        conn.set_authorizer(note)
        conn.execute(card.solution).fetchall()
    return reads


@pytest.mark.parametrize("card_id", sorted(SQL_CARDS))
def test_shown_schema_names_every_column_the_solution_uses(card_id: str) -> None:
    card = SQL_CARDS[card_id]
    schema = schema_of(card)
    assert schema is not None
    used = _columns_read(card)
    assert used
    shown = {(t.name, c.name) for t in schema.tables for c in t.columns}
    assert used <= shown, used - shown
    sampled = {t.name for t in schema.tables if t.sample}
    assert {table for table, _ in used} <= sampled


@pytest.mark.parametrize("card_id", sorted(SQL_CARDS))
def test_prompt_names_every_table_and_column_the_solution_uses(card_id: str) -> None:
    card = SQL_CARDS[card_id]
    words = set(re.findall(r"[a-z_]+", card.prompt.lower()))
    unnamed = sorted(f"{t}.{c}" for t, c in _columns_read(card) if t.lower() not in words or c.lower() not in words)
    assert unnamed == []


@pytest.mark.parametrize("card_id", sorted(SQL_CARDS))
def test_commented_solution_shows_every_rubric_point(card_id: str) -> None:
    """Rubric points on sql cards are things a query and its -- comments can show."""
    card = SQL_CARDS[card_id]
    assert card.solution is not None
    result = grade(card.rubric, card.solution)
    assert [p.id for p in result.points if not p.hit] == []


@pytest.mark.parametrize(("card_id", "label"), _cases("wrong"))
def test_plausible_mistake_is_judged_wrong(card_id: str, label: str) -> None:
    card = SQL_CARDS[card_id]
    assert card.fixture is not None and card.solution is not None
    verdict = check(card.fixture, card.solution, ANSWERS[card_id]["wrong"][label], ordered=card.ordered)
    assert verdict.error is None, f"{label} should run and be wrong, not fail: {verdict.error}"
    assert not verdict.correct, label


@pytest.mark.parametrize(("card_id", "label"), _cases("right"))
def test_equivalent_query_is_judged_correct(card_id: str, label: str) -> None:
    card = SQL_CARDS[card_id]
    assert card.fixture is not None and card.solution is not None
    verdict = check(card.fixture, card.solution, ANSWERS[card_id]["right"][label], ordered=card.ordered)
    assert verdict.error is None, f"{label}: {verdict.error}"
    assert verdict.correct, label


def test_the_complete_example_in_the_deck_guide_is_a_valid_gradeable_card(tmp_path: Path) -> None:
    guide = (DECK_PATH.parent.parent / "docs" / "decks.md").read_text(encoding="utf-8")
    example = guide[guide.index("### A complete example"):]
    blocks = [m.groups() for m in re.finditer(r"```(toml|sql)\n(.*?)```", example, flags=re.DOTALL)]
    toml_text = next(text for lang, text in blocks if lang == "toml")
    sql_text = next(text for lang, text in blocks if lang == "sql")
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "shop.sql").write_text(sql_text, encoding="utf-8")
    (tmp_path / "shop.toml").write_text(toml_text, encoding="utf-8")
    [card] = load_deck(tmp_path / "shop.toml").cards
    assert card.fixture is not None and card.solution is not None
    verdict = check(card.fixture, card.solution, card.solution)
    assert verdict.correct and verdict.got == ((65.0,),)
    assert grade(card.rubric, card.solution).score == 1.0
    assert [t.name for t in schema_of(card).tables] == ["orders"]  # type: ignore[union-attr]
