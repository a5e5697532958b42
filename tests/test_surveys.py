"""The satisfaction survey campaign (6.42, S2-6): targets, rates, one questionnaire per unit, revisits, rights."""
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.saving import save
from app.extensions import db
from app.models import Building, Project, Unit
from app.models.base import LOCAL_TZ
from app.servicedesk.revisits import REVISIT_DAYS, RevisitRecord
from app.servicedesk.surveys import (
    SatisfactionSurvey, SatisfactionSurveyResponse, SurveyFigures, SurveyRatingLine, revisit_state,
)
from app.models.types import clock_at
from tests.conftest import staff_estate
from tests.formdata import payload

ISSUED_ON = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
RETURNED_ON = datetime(2026, 3, 9, 9, 0, tzinfo=LOCAL_TZ)
# 20 households have moved in; vacant, undelivered flats and a parking space do not count
OCCUPANCY = (["owner_occupied"] * 8 + ["rented"] * 5 + ["handed_over"] * 4 + ["renovating"] * 3
             + ["vacant"] * 3 + ["undelivered"] * 2)


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count(model.id)).where(*where))


@pytest.fixture(scope="module")
def estate(app):
    """A fresh estate of 25 flats (20 moved in) and one sold parking space, so demo data cannot interfere."""
    with app.app_context():
        project = Project(code="SVT", name="满意度测试苑", project_type="residential", address="测试路1号",
                          service_hotline="0755-86000000", total_units=26)
        building = Building(project=project, code="9", name="9栋", building_type="highrise", floors_above=30)
        db.session.add_all([project, building])
        staff_estate(project)
        for n, status in enumerate(OCCUPANCY, 1):
            db.session.add(Unit(building=building, floor=n, room_no=f"{n}01", occupancy_status=status))
        db.session.add(Unit(building=building, floor=-1, room_no="P01", usage="parking",
                            occupancy_status="owner_occupied"))
        db.session.commit()
        units = db.session.scalars(sa.select(Unit.id).where(Unit.building_id == building.id, Unit.usage == "residence")
                                   .order_by(Unit.floor)).all()
        return dict(project_id=project.id, unit_ids=units)


def campaign(estate, title, **values):
    survey = SatisfactionSurvey(project_id=estate["project_id"], title=title, year=2026, start_on=date(2026, 3, 1),
                                end_on=date(2026, 3, 31), **values)
    db.session.add(survey)
    db.session.commit()
    return survey


def questionnaire(survey, unit_id, overall=None, returned=True, **ratings):
    """A questionnaire filed directly; `ratings` are item=rating, or item=(rating, rating) for a repeated line."""
    response = SatisfactionSurveyResponse(
        project_id=survey.project_id, survey=survey, survey_year=2026, survey_batch=survey.title, unit_id=unit_id,
        issued_at=ISSUED_ON, returned_at=RETURNED_ON if returned else None, overall_rating=overall)
    for item, given in ratings.items():
        for rating in given if isinstance(given, tuple) else (given,):
            response.items.append(SurveyRatingLine(item=item, rating=rating))
    db.session.add(response)
    return response


@pytest.fixture(scope="module")
def counted_survey(app, estate):
    """18 questionnaires issued, 15 returned, with the ratings counted by hand in the test below."""
    with app.app_context():
        survey = campaign(estate, "2026年度满意度调查(手工核对)")
        units = estate["unit_ids"]
        overall = ["very_satisfied"] * 6 + ["satisfied"] * 7 + ["not_very_satisfied", "very_dissatisfied"]
        for i, rating in enumerate(overall):
            questionnaire(survey, units[i], rating,
                          cleaning=("satisfied", "satisfied") if i == 0 else ("not_very_satisfied" if i == 14
                                                                              else "very_satisfied"),
                          **({"security": "satisfied"} if i < 12 else {}))
        for i in range(15, 18):  # issued, never returned: their answers must not count
            questionnaire(survey, units[i], "very_satisfied", returned=False, security="very_satisfied",
                          greening="satisfied")
        db.session.commit()
        return survey.id


def test_a_new_campaign_counts_the_households_that_moved_in(app, estate):
    with app.app_context():
        survey = campaign(estate, "入住户数默认值")
        # 8 自住 + 5 出租 + 4 已收楼未入住 + 3 装修中; not the 3 空置, 2 未交付 or the parking space
        assert survey.moved_in_households == 20
        assert survey.figures().issue_target == 18  # ⌈20 × 90%⌉
        assert campaign(estate, "手工填写户数", moved_in_households=7).moved_in_households == 7


def test_the_survey_formulas_on_hand_counted_questionnaires(app, counted_survey):
    with app.app_context():
        figures = db.session.get(SatisfactionSurvey, counted_survey).figures()
        assert (figures.moved_in, figures.issued, figures.returned) == (20, 18, 15)
        assert figures.issue_target == 18 and figures.issue_met  # ⌈20 × 90%⌉ = 18, 18 issued
        assert figures.return_target == 15 and figures.return_met  # ⌈18 × 80%⌉ = ⌈14.4⌉ = 15, 15 returned
        # overall: 6 非常满意 + 7 满意 of the 15 returned (the 3 unreturned 非常满意 do not count) = 13/15
        assert figures.satisfied == 13
        assert figures.overall_rate == 86.7 and figures.overall_met is False
        # cleaning: 15 returned rate it, all but the 15th satisfied; the first rated it twice and counts once = 14/15
        assert figures.item_rates["cleaning"] == 93.3 and figures.item_met("cleaning") is True
        # security: only 12 returned rate it, all satisfied, but S2-6 4.4.5 divides by the 15 returned = 12/15
        assert figures.item_rates["security"] == 80.0 and figures.item_met("security") is False
        # greening was rated only on unreturned questionnaires: no rate at all
        assert list(figures.item_rates) == ["security", "cleaning"]
        assert figures.all_met is False


def test_targets_missed_and_nothing_returned():
    short = SurveyFigures(moved_in=20, issued=17, returned=13, satisfied=12, items={"quality": 12})
    assert (short.issue_target, short.issue_met) == (18, False)  # 17 < ⌈18.0⌉
    assert (short.return_target, short.return_met) == (14, False)  # 13 < ⌈17 × 80%⌉ = ⌈13.6⌉ = 14
    assert short.overall_rate == 92.3 and short.overall_met is True  # 12/13
    exact = SurveyFigures(moved_in=10, issued=10, returned=10, satisfied=9, items={"quality": 9})
    assert exact.overall_rate == 90.0 and exact.overall_met and exact.item_met("quality")  # 90 % is met (含)
    almost = SurveyFigures(moved_in=0, issued=0, returned=2001, satisfied=1800)  # 89.96 % shows as 90.0 %
    assert almost.overall_rate == 90.0 and almost.overall_met is False
    empty = SurveyFigures(moved_in=0, issued=0, returned=0, satisfied=0)
    assert (empty.issue_target, empty.return_target, empty.overall_rate, empty.overall_met) == (0, 0, None, None)


def test_the_campaign_page_shows_targets_rates_and_follow_ups(app, client_for, counted_survey):
    page = client_for("clerk").get(f"/admin/satisfaction_survey/details/?id={counted_survey}")
    assert page.status_code == 200
    figures = page.text.split('id="survey-figures"')[1].split("</table>")[0]
    assert "86.7%" in figures and "13/15" in figures and "93.3%" in figures and "80.0%" in figures
    assert figures.count("未达标") == 2 and figures.count(">达标<") == 3  # overall and security missed
    follow_ups = page.text.split('id="survey-follow-ups"')[1].split("</table>")[0]
    # the 不太满意 and 很不满意 questionnaires, filed directly, so no revisit scheduled yet
    assert follow_ups.count('data-state="unscheduled"') == 2 and "未安排回访" in follow_ups


def response_form(survey, unit, overall, project):
    """What a clerk posts for a returned questionnaire with one item rating."""
    values = dict(project=project, survey=survey, survey_year=2026, survey_batch=survey.title, unit=unit,
                  respondent_name="测试业主", issued_at=ISSUED_ON, returned_at=RETURNED_ON, overall_rating=overall,
                  comments="", complaint_raised=False, is_key_customer=False)
    return values, {"items": [dict(sort=1, item="engineering", rating="satisfied")]}


def test_an_unhappy_questionnaire_schedules_one_survey_revisit(app, client_for, estate):
    client, now = client_for("clerk"), datetime(2026, 3, 10, 14, 30, tzinfo=LOCAL_TZ)
    with app.app_context():
        survey = campaign(estate, "回访测试")
        unit, project = db.session.get(Unit, estate["unit_ids"][0]), survey.project
        values, lines = response_form(survey, unit, "not_very_satisfied", project)
        with clock_at(now):
            assert client.post("/admin/satisfaction_survey_response/new/", data=payload(
                SatisfactionSurveyResponse, values, lines)).status_code == 302
        response = db.session.scalars(sa.select(SatisfactionSurveyResponse).filter_by(survey_id=survey.id)).one()
        revisits = db.session.scalars(sa.select(RevisitRecord).filter_by(survey_response_id=response.id)).all()
        assert response.needs_revisit and len(revisits) == 1
        assert revisits[0].revisit_type == "survey" and revisits[0].unit_id == unit.id
        assert revisits[0].due_by == now + timedelta(days=REVISIT_DAYS["survey"]) == now + timedelta(days=7)
        lines["items"][0]["id"] = response.items[0].id
        with clock_at(now + timedelta(days=1)):  # saved again: still the one revisit
            assert client.post(f"/admin/satisfaction_survey_response/edit/?id={response.id}", data=payload(
                SatisfactionSurveyResponse, {**values, "comments": "补充意见"}, lines)).status_code == 302
        assert count(RevisitRecord, RevisitRecord.survey_response_id == response.id) == 1
        with clock_at(now + timedelta(days=8)):
            page = client.get(f"/admin/satisfaction_survey/details/?id={survey.id}").text
        assert 'data-state="late"' in page and revisits[0].serial_no in page


def test_key_customers_are_revisited_and_happy_households_are_not(app, estate):
    with app.app_context():
        survey = campaign(estate, "重点客户")
        happy = questionnaire(survey, estate["unit_ids"][0], "very_satisfied", quality="satisfied")
        key = questionnaire(survey, estate["unit_ids"][1], "satisfied", quality="satisfied")
        key.is_key_customer = True
        for response in (happy, key):
            save(response)  # the same path as the admin page, the import and the demo
        db.session.commit()
        assert count(RevisitRecord, RevisitRecord.survey_response_id == happy.id) == 0
        assert count(RevisitRecord, RevisitRecord.survey_response_id == key.id) == 1
        assert [state for _, _, state in survey.follow_up_list()] == ["due"]


def test_revisit_states():
    now = datetime(2026, 3, 20, 12, 0, tzinfo=LOCAL_TZ)
    before, after = now - timedelta(days=1), now + timedelta(days=1)
    with clock_at(now):
        assert revisit_state(None) == "unscheduled"
        assert revisit_state(RevisitRecord(due_by=after)) == "due"
        assert revisit_state(RevisitRecord(due_by=before)) == "late"
        assert revisit_state(RevisitRecord(due_by=after, revisited_at=before)) == "done"
        assert revisit_state(RevisitRecord(due_by=before - timedelta(days=1), revisited_at=before)) == "done_late"


def test_one_questionnaire_per_unit_and_campaign(app, client_for, estate):
    client = client_for("clerk")
    with app.app_context():
        survey = campaign(estate, "重复房号")
        unit = db.session.get(Unit, estate["unit_ids"][4])
        questionnaire(survey, unit.id, "satisfied", quality="satisfied")
        db.session.commit()
        values, lines = response_form(survey, unit, "satisfied", survey.project)
        page = client.post("/admin/satisfaction_survey_response/new/",
                           data=payload(SatisfactionSurveyResponse, values, lines))
        assert page.status_code == 200 and "该房号在本次调查中已有问卷" in page.text
        assert count(SatisfactionSurveyResponse, SatisfactionSurveyResponse.survey_id == survey.id) == 1
        other = campaign(estate, "另一次调查")  # the same unit in another campaign is fine
        values, lines = response_form(other, unit, "satisfied", survey.project)
        assert client.post("/admin/satisfaction_survey_response/new/",
                           data=payload(SatisfactionSurveyResponse, values, lines)).status_code == 302
        assert count(SatisfactionSurveyResponse, SatisfactionSurveyResponse.unit_id == unit.id,
                     SatisfactionSurveyResponse.survey_id.in_((survey.id, other.id))) == 2


def campaign_form(estate, title, households):
    return dict(project=str(estate["project_id"]), title=title, year="2026", start_on="2026-04-01",
                end_on="2026-04-30", moved_in_households=str(households))


def test_only_managers_plan_campaigns(app, client_for, estate):
    clerk, manager = client_for("clerk"), client_for("manager")
    with app.app_context():  # requests run outside it: a shared context would keep the last user logged in
        survey_id, before = campaign(estate, "权限测试").id, count(SatisfactionSurvey)
    assert clerk.get("/admin/satisfaction_survey/new/").status_code == 403
    assert clerk.post("/admin/satisfaction_survey/new/", data=campaign_form(estate, "职员新建", 5)).status_code == 403
    assert clerk.post(f"/admin/satisfaction_survey/edit/?id={survey_id}",
                      data=campaign_form(estate, "职员修改", 5)).status_code == 403
    assert clerk.get(f"/admin/satisfaction_survey/details/?id={survey_id}").status_code == 200
    with app.app_context():
        assert count(SatisfactionSurvey) == before
        assert db.session.get(SatisfactionSurvey, survey_id).title == "权限测试"
    assert manager.post("/admin/satisfaction_survey/new/", data=campaign_form(estate, "主管新建", 19)).status_code == 302
    with app.app_context():
        created = db.session.scalars(sa.select(SatisfactionSurvey).filter_by(title="主管新建")).one()
        assert (created.moved_in_households, created.figures().issue_target) == (19, 18)  # ⌈17.1⌉
