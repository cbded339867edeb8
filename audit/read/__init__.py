"""The read side: SQL for the supervisor dashboard, the evidence packs and the benchmarks.

Every query takes a database (an ``Engine``, ``Connection`` or ``Session``), a
:class:`~audit.read.scope.Scope` (who is asking: everything, one team, or one agent) and usually
:class:`~audit.read.scope.Filters` (what the sidebar selected), runs SQL aggregates that work
unchanged on SQLite and PostgreSQL, and returns small frozen dataclasses. The dashboard caches
and renders them; it never filters by role itself, so a contact outside the caller's scope is
invisible here even when its id is typed into a URL.

Modules, one screen or concern each: :mod:`~audit.read.scope` (scope, filters, period),
:mod:`~audit.read.sql` (plumbing shared with :mod:`audit.scorecards`),
:mod:`~audit.read.overview`, :mod:`~audit.read.contacts`, :mod:`~audit.read.review`,
:mod:`~audit.read.timeline` and :mod:`~audit.read.agents` (one agent's trend and worst
findings). Import names from the module that defines them; this package re-exports nothing.

Definitions (shared with :mod:`audit.scorecards`):

* *audited* contacts (:data:`audit.read.sql.AUDITED_STATUSES`) are those the rules ran on:
  status ``audited`` and ``no_recording``; ``failed`` contacts could not be audited and are
  counted separately as errors;
* a contact *passed* when ``passed`` is true (*not passed* when false); the pass rate is passed
  over contacts with a verdict;
* a contact's score is computed by :func:`audit.scoring.score_contact` with the severity
  weights of the pack that audited it (recorded on the contact), by the store, by every review
  and by the scorecards alike;
* dismissed findings are false positives: they are left out of every finding count except the
  rule and detector statistics, which report them as the precision feedback; *suspected*
  findings (the learned model's doubts, :data:`audit.scoring.UNCOUNTED` too) are left out
  the same way until a reviewer confirms them, and wait in the review queue;
* days are calendar days in the business time zone (``Filters.tz``, default Asia/Shanghai);
  timestamps are stored in UTC.
"""
