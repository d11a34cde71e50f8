from tests.factories import make_action, make_organisation, make_service


def test_smoke(site_tree, admin_client):
    org = make_organisation()
    s = make_service(org)
    a = make_action(org, occurrences=2)
    print(org.locale, s.district, a.occurrences.all(), [o.locale for o in a.occurrences.all()], [o.district for o in a.occurrences.all()])
    r = admin_client.get(f"/admin/pages/add/pages/actionpage/{org.id}/")
    open("/tmp/scratch/action_add.html", "w").write(r.content.decode())
    r = admin_client.get(f"/admin/pages/add/pages/servicepage/{org.id}/")
    open("/tmp/scratch/service_add.html", "w").write(r.content.decode())
    r = admin_client.get(f"/admin/pages/{a.id}/edit/")
    open("/tmp/scratch/action_edit.html", "w").write(r.content.decode())
