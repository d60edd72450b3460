-- Competence funds (FundPublished, FundBalanceReported on learning.catalog): what they pay for and what
-- they have left. Plans compute each fund's refund from these rules (tillid/matching/upskilling/funds.py).
CREATE TABLE funds (
    fund_id                   text PRIMARY KEY,
    name                      text NOT NULL,
    sectors                   text[] NOT NULL,
    covers                    text[] NOT NULL,
    share                     double precision NOT NULL,
    cap_dkk_per_employee_year double precision NOT NULL,
    kinds                     text[],            -- NULL: every kind of activity
    professions               text[],            -- NULL: every profession
    remaining_dkk             double precision,  -- NULL: no limit
    balance_as_of             date               -- the latest FundBalanceReported applied, if any
);

-- What the committee page's effect plot and the re-matcher read for completions this year.
CREATE INDEX course_completions_completed_on ON course_completions (completed_on);
