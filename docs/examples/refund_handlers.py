def register(engine):  # the actions of docs/examples/refund_request.json: --handlers refund_handlers:register
    engine.register("assess_refund", lambda request: {"summary": f"refund of {request.input['amount']} asked"})
    engine.register("issue_refund", lambda request: {"id": "R-" + request.input["order_id"]})
