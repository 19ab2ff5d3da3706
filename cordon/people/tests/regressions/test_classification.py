from cordon.accounts.selectors import audit_history
from cordon.people.tests.regressions.helpers import imp, put, xlsx

HEADERS = ["姓名", "身份证号", "手机号", "村街", "来源地", "到达日期"]


def test_a_known_persons_new_phone_on_a_new_arrival_is_reported_as_an_update(world, tmp_path):
    yin = world.yin
    rows = [["尹某某", yin.document_number, "13900000000", "四间房村", "湖北省武汉市", "2020-02-05"]]
    report = imp(world, put(tmp_path, xlsx(rows, HEADERS)))
    yin.refresh_from_db()
    print(report.summary(), report.updates)
    assert yin.phone == "13900000000"
    assert any(u["name"] == "尹某某" and "phone" in u["fields"] for u in report.updates), (
        "the stored phone was overwritten but the report only says one row was created"
    )


def test_an_import_that_changes_a_phone_leaves_a_trace_on_the_persons_history(world, tmp_path):

    yin = world.yin
    rows = [["尹某某", yin.document_number, "13900000000", "四间房村", "湖北省武汉市", "2020-01-25"]]
    report = imp(world, put(tmp_path, xlsx(rows, HEADERS)))
    assert report.updated == 1
    history = list(audit_history(yin, world.commander))
    print([(e.action, e.changes) for e in history])
    assert any("139****0000" in str(e.changes) for e in history), (
        "who changed the phone, and from what, is lost"
    )
