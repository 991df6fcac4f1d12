def register(engine):  # a bug: issue_refund answers "refund_id" where the flow reads refund.id (docs/runtime.md)
    engine.register("assess_refund", lambda request: {"summary": f"refund of {request.input['amount']} asked"})
    engine.register("issue_refund", lambda request: {"refund_id": "R-" + request.input["order_id"]})
