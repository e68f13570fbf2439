"""Prints, base64-encoded, a PyTorch checkpoint that holds a whole pickled module (torch.save(model)) rather than a
state_dict: the fixture of CLIErrorPathTests.testWholePickledModuleIsRefusedWithAStateDictHint.
Usage: python scripts/make_module_checkpoint.py"""
import base64
import io

import torch

torch.manual_seed(0)
buffer = io.BytesIO()
torch.save(torch.nn.Linear(2, 2), buffer)
print(base64.b64encode(buffer.getvalue()).decode())
